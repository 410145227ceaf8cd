// ParserLimits: attachments per packet, payload nesting and JSON values per payload, at and over
// their bounds.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using test::text;

// A BINARY_EVENT header frame declaring and referencing `count` attachments.
std::string binary_header(std::size_t count) {
    std::string frame = "5" + std::to_string(count) + "-[\"many\"";
    for (std::size_t i = 0; i < count; ++i) {
        frame += ",{\"_placeholder\":true,\"num\":" + std::to_string(i) + "}";
    }
    return frame + "]";
}

std::vector<Frame> binary_packet(std::size_t count) {
    std::vector<Frame> frames{text(binary_header(count))};
    for (std::size_t i = 0; i < count; ++i) frames.push_back(test::binary({1}));
    return frames;
}

std::string nested_event(std::size_t depth) {
    // ["n", [[...[]...]]] — the outer array is one level.
    return "2[\"n\"," + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "]";
}

TEST(Limits, DefaultAllowsTenAttachmentsAsSocketIoParser) {
    EXPECT_EQ(ParserLimits{}.max_attachments, 10u);
    EXPECT_EQ(test::decode_frames(binary_packet(10)).data.size(), 11u);
    EXPECT_EQ(test::text_error(binary_header(11)), error::too_many_attachments);
}

TEST(Limits, MaxAttachmentsIsConfigurable) {
    const ParserLimits limits{.max_attachments = 2};
    EXPECT_EQ(test::decode_frames(binary_packet(2), limits).data.size(), 3u);
    EXPECT_EQ(test::decode_error(binary_packet(3), limits), error::too_many_attachments);
    const ParserLimits more{.max_attachments = 50};
    EXPECT_EQ(test::decode_frames(binary_packet(50), more).data.size(), 51u);
}

TEST(Limits, AttachmentCountNearTheLimitsOfSizeT) {
    // No overflow in the count, whatever the limit.
    const ParserLimits unlimited{.max_attachments = SIZE_MAX};
    EXPECT_EQ(test::text_error("5" + std::to_string(SIZE_MAX) + "0-[\"x\"]", unlimited),
              error::too_many_attachments);
    EXPECT_EQ(test::text_error("5" + std::to_string(SIZE_MAX) + "-[\"x\"]", unlimited),
              error::attachment_count_mismatch);  // accepted count, no placeholders
    const ParserLimits none{.max_attachments = 0};
    EXPECT_EQ(test::text_error(binary_header(1), none), error::too_many_attachments);
}

TEST(Limits, TooManyAttachmentsIsRefusedBeforeAnyIsBuffered) {
    auto decoder = json_parser({.max_attachments = 1})->make_decoder();
    std::error_code ec;
    EXPECT_FALSE(decoder->feed(binary_header(2), false, ec));
    EXPECT_EQ(ec, error::too_many_attachments);
    EXPECT_FALSE(decoder->awaiting_attachments());
}

TEST(Limits, NestingAtTheBoundIsAccepted) {
    const ParserLimits limits{.max_nesting_depth = 16};
    EXPECT_EQ(test::decode_frames({text(nested_event(16))}, limits).data.size(), 2u);
    EXPECT_EQ(test::text_error(nested_event(17), limits), error::nesting_too_deep);
}

TEST(Limits, DefaultNestingBoundRefusesAHostileDocument) {
    EXPECT_EQ(ParserLimits{}.max_nesting_depth, 128u);
    EXPECT_FALSE(test::text_error(nested_event(128)));
    EXPECT_EQ(test::text_error(nested_event(129)), error::nesting_too_deep);
    // A megabyte of '[' fails fast with a clear error, not a stack overflow.
    EXPECT_EQ(test::text_error("2" + std::string(1 << 20, '[')), error::nesting_too_deep);
}

TEST(Limits, BracketsInsideStringsDoNotCountAsNesting) {
    const ParserLimits limits{.max_nesting_depth = 2};
    const std::string brackets(100, '[');
    EXPECT_EQ(test::decode_frames({text("2[\"" + brackets + "\",\"\\\"[[[\"]")}, limits).data,
              json::array({brackets, "\"[[["}));
}

// ["n", 1, 2, …, k]: k + 2 values (the array, the name, k numbers).
std::string event_with_values(std::size_t values) {
    std::string frame = "2[\"n\"";
    for (std::size_t i = 2; i < values; ++i) frame += "," + std::to_string(i);
    return frame + "]";
}

TEST(Limits, ValuesAtTheBoundAreAccepted) {
    const ParserLimits limits{.max_values = 10};
    EXPECT_EQ(test::decode_frames({text(event_with_values(10))}, limits).data.size(), 9u);
    EXPECT_EQ(test::text_error(event_with_values(11), limits), error::too_many_values);
}

TEST(Limits, EveryKindOfValueCountsButKeysDoNot) {
    const ParserLimits limits{.max_values = 8};
    // array, "n", object, 1, "s", null, true, [] = 8 values; the keys "a".."e" are not values.
    const std::string eight = R"(2["n",{"a":1,"b":"s","c":null,"d":true,"e":[]}])";
    EXPECT_FALSE(test::text_error(eight, limits));
    EXPECT_EQ(test::text_error(R"(2["n",{"a":1,"b":"s","c":null,"d":true,"e":[0]}])", limits),
              error::too_many_values);
    // CONNECT and ACK payloads are bounded too.
    EXPECT_EQ(test::text_error(R"(0{"a":[1,2,3,4,5,6,7,8]})", limits), error::too_many_values);
    EXPECT_EQ(test::text_error("31[1,2,3,4,5,6,7,8]", limits), error::too_many_values);
}

// A megabyte of "{}," would be ~330 000 objects (~40 MB of tree); the default bound refuses it
// while parsing. A megabyte in a few values (a long string) is fine.
TEST(Limits, DefaultValueBoundRefusesAnAmplifyingPayload) {
    EXPECT_EQ(ParserLimits{}.max_values, 100'000u);
    std::string objects = "2[\"n\"";
    while (objects.size() < 1'000'000) objects += ",{}";
    EXPECT_EQ(test::text_error(objects + "]"), error::too_many_values);
    std::string arrays = "2[\"n\"";
    while (arrays.size() < 1'000'000) arrays += ",[]";
    EXPECT_EQ(test::text_error(arrays + "]"), error::too_many_values);
    const std::string big(1'000'000, 'x');
    EXPECT_EQ(test::decode_frames({text("2[\"n\",\"" + big + "\"]")}).data.at(1), big);
    EXPECT_FALSE(test::text_error(event_with_values(100'000)));
}

TEST(Limits, DecoderIsUsableAfterTooManyValues) {
    auto decoder = json_parser({.max_values = 4})->make_decoder();
    std::error_code ec;
    EXPECT_FALSE(decoder->feed(event_with_values(5), false, ec));
    EXPECT_EQ(ec, error::too_many_values);
    EXPECT_EQ(ec.message(), "Too many JSON values in the payload");
    auto packet = decoder->feed(event_with_values(4), false, ec);
    EXPECT_FALSE(ec);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->data, json::parse(R"(["n",2,3])"));
}

TEST(Limits, RepairedLoneSurrogatesAreBoundedToo) {
    const ParserLimits limits{.max_values = 3};
    EXPECT_EQ(test::decode_frames({text(R"(2["n","\ud800"])")}, limits).data.at(1), "\ufffd");
    EXPECT_EQ(test::text_error(R"(2["n","\ud800",1])", limits), error::too_many_values);
}

}  // namespace
}  // namespace socketio::protocol
