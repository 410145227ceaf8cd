// Every invalid form the spec and socket.io-parser reject, with the error code a server logs
// before it closes the connection.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using test::binary;
using test::text;

struct InvalidInput {
    const char* name;
    std::vector<Frame> frames;
    error expected;
};

class InvalidPackets : public ::testing::TestWithParam<InvalidInput> {};

TEST_P(InvalidPackets, AreRefusedWithTheirError) {
    EXPECT_EQ(test::decode_error(GetParam().frames), make_error_code(GetParam().expected));
}

const InvalidInput invalid_inputs[] = {
    // packet type
    {"empty_frame", {text("")}, error::invalid_packet_type},
    {"type_7", {text(R"(7["x"])")}, error::invalid_packet_type},
    {"type_letter", {text("abc")}, error::invalid_packet_type},
    {"type_space", {text(" 2[\"x\"]")}, error::invalid_packet_type},
    // attachment count
    {"binary_without_dash",
     {text(R"(51["x",{"_placeholder":true,"num":0}])")},
     error::invalid_attachment_count},
    {"binary_empty_count", {text(R"(5-["x"])")}, error::invalid_attachment_count},
    {"binary_zero_count", {text(R"(50-["x"])")}, error::invalid_attachment_count},
    {"binary_count_only", {text("51")}, error::invalid_attachment_count},
    {"binary_count_letters", {text(R"(5a-["x"])")}, error::invalid_attachment_count},
    {"binary_count_over_default_limit", {text(R"(511-["x"])")}, error::too_many_attachments},
    {"binary_count_overflowing",
     {text(R"(599999999999999999999999999-["x"])")},
     error::too_many_attachments},
    // namespace
    {"namespace_invalid_utf8", {text("0/\xc3\x28,")}, error::invalid_namespace},
    {"namespace_overlong_utf8", {text("0/\xc0\xaf,")}, error::invalid_namespace},
    {"namespace_surrogate_utf8", {text("0/\xed\xa0\x80,")}, error::invalid_namespace},
    // ack id
    {"ack_id_letters", {text(R"(2abc["message-with-ack",1])")}, error::invalid_ack_id},
    {"ack_id_after_digits", {text(R"(212x["foo"])")}, error::invalid_ack_id},
    {"ack_id_overflow", {text(R"(218446744073709551616["foo"])")}, error::invalid_ack_id},
    // JSON
    {"json_unterminated", {text(R"(2["foo")")}, error::invalid_json},
    {"json_trailing_garbage", {text(R"(2["foo"]x)")}, error::invalid_json},
    {"json_invalid_utf8", {text("2[\"\xff\"]")}, error::invalid_json},
    {"json_negative_number_junk", {text("2-[\"x\"]")}, error::invalid_json},
    // payload per type
    {"connect_array", {text(R"(0["x"])")}, error::invalid_payload},
    {"connect_string", {text(R"(0"token")")}, error::invalid_payload},
    {"connect_null", {text("0null")}, error::invalid_payload},
    {"disconnect_with_payload", {text("1{}")}, error::invalid_payload},
    {"event_without_payload", {text("2")}, error::invalid_payload},
    {"event_object", {text("2{}")}, error::invalid_payload},
    {"event_empty_array", {text("2[]")}, error::invalid_payload},
    {"event_name_object", {text(R"(2[{"a":1}])")}, error::invalid_payload},
    {"event_name_null", {text("2[null]")}, error::invalid_payload},
    {"event_reserved_connect", {text(R"(2["connect"])")}, error::invalid_payload},
    {"event_reserved_connect_error", {text(R"(2["connect_error"])")}, error::invalid_payload},
    {"event_reserved_disconnect", {text(R"(2["disconnect"])")}, error::invalid_payload},
    {"event_reserved_disconnecting", {text(R"(2["disconnecting"])")}, error::invalid_payload},
    {"event_reserved_newListener", {text(R"(2["newListener"])")}, error::invalid_payload},
    {"event_reserved_removeListener", {text(R"(2["removeListener"])")}, error::invalid_payload},
    {"ack_without_payload", {text("31")}, error::invalid_payload},
    {"ack_object", {text(R"(31{"a":1})")}, error::invalid_payload},
    {"connect_error_array", {text("4[]")}, error::invalid_payload},
    {"connect_error_number", {text("41")}, error::invalid_payload},
    {"connect_error_without_payload", {text("4")}, error::invalid_payload},
    {"binary_event_object", {text(R"(51-{"_placeholder":true,"num":0})")}, error::invalid_payload},
    {"binary_event_without_payload", {text("51-")}, error::invalid_payload},
    {"binary_ack_object", {text(R"(61-1{"_placeholder":true,"num":0})")}, error::invalid_payload},
    // placeholders
    {"placeholder_num_out_of_range",
     {text(R"(51-["x",{"_placeholder":true,"num":1}])")},
     error::invalid_placeholder},
    {"placeholder_num_negative",
     {text(R"(51-["x",{"_placeholder":true,"num":-1}])")},
     error::invalid_placeholder},
    {"placeholder_num_missing",
     {text(R"(51-["x",{"_placeholder":true}])")},
     error::invalid_placeholder},
    {"placeholder_num_string",
     {text(R"(51-["x",{"_placeholder":true,"num":"0"}])")},
     error::invalid_placeholder},
    {"placeholder_num_fraction",
     {text(R"(51-["x",{"_placeholder":true,"num":0.5}])")},
     error::invalid_placeholder},
    {"placeholder_nested_out_of_range",
     {text(R"(52-["x",{"a":[{"_placeholder":true,"num":0},{"_placeholder":true,"num":2}]}])")},
     error::invalid_placeholder},
    // attachment count versus placeholders
    {"attachment_never_referenced",
     {text(R"(52-["x",{"_placeholder":true,"num":0}])")},
     error::attachment_count_mismatch},
    {"attachments_without_placeholders", {text(R"(51-["x"])")}, error::attachment_count_mismatch},
    // frame order
    {"binary_frame_first", {binary({1, 2, 3})}, error::unexpected_binary_frame},
    {"binary_frame_after_plain_event",
     {text(R"(2["x"])"), binary({1})},
     error::unexpected_binary_frame},
    {"extra_binary_frame",
     {text(R"(51-["x",{"_placeholder":true,"num":0}])"), binary({1}), binary({2})},
     error::unexpected_binary_frame},
    {"text_frame_while_awaiting",
     {text(R"(52-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"), binary({1}),
      text(R"(2["y"])")},
     error::unexpected_text_frame},
};

INSTANTIATE_TEST_SUITE_P(Decoder, InvalidPackets, ::testing::ValuesIn(invalid_inputs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(InvalidPackets, DecoderRecoversAfterAnError) {
    // The connection is closed on an error, but the decoder itself is left clean, not wedged.
    auto decoder = json_parser()->make_decoder();
    std::error_code ec;
    EXPECT_FALSE(decoder->feed(R"(51-["x",{"_placeholder":true,"num":0}])", false, ec));
    EXPECT_FALSE(decoder->feed("2[", false, ec));
    EXPECT_EQ(ec, error::unexpected_text_frame);
    EXPECT_FALSE(decoder->awaiting_attachments());
    const auto packet = decoder->feed(R"(2["ok"])", false, ec);
    EXPECT_FALSE(ec);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->data, json::array({"ok"}));
}

TEST(InvalidPackets, ErrorsHaveTheirCategoryAndMessage) {
    const std::error_code ec = error::invalid_ack_id;
    EXPECT_STREQ(ec.category().name(), "socketio.protocol");
    EXPECT_EQ(ec.message(), "Invalid ack id");
    EXPECT_NE(ec, std::error_code(error::invalid_json));
}

TEST(InvalidPackets, AcceptsWhatSocketIoParserAccepts) {
    // The lenient corners of socket.io-parser that real clients rely on.
    EXPECT_EQ(test::decode_text("2[1,\"numeric event name\"]").data,
              json::array({1, "numeric event name"}));
    EXPECT_EQ(test::decode_text(R"(4"Not authorized")").data, "Not authorized");
    EXPECT_EQ(test::decode_text("0{}").data, json::object());
    EXPECT_EQ(test::decode_text(R"(2 ["padded"])").data, json::array({"padded"}));
    EXPECT_EQ(test::decode_text(R"(2["connection"])").data, json::array({"connection"}));
}

}  // namespace
}  // namespace socketio::protocol
