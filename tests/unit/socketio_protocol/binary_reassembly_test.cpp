// Binary attachments: extracted into placeholders on encode, put back in place on decode, one
// binary frame per attachment, in order.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using test::binary;
using test::bytes;
using test::text;

TEST(BinaryReassembly, OneAttachmentCompletesThePacket) {
    auto decoder = json_parser()->make_decoder();
    std::error_code ec;
    EXPECT_FALSE(decoder->feed(R"(51-["upload",{"_placeholder":true,"num":0}])", false, ec));
    EXPECT_FALSE(ec);
    EXPECT_TRUE(decoder->awaiting_attachments());
    const auto packet = decoder->feed(std::string("\x00\xff\x10", 3), true, ec);
    EXPECT_FALSE(ec);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->type, PacketType::event);
    EXPECT_EQ(packet->data, json::array({"upload", bytes({0x00, 0xff, 0x10})}));
    EXPECT_FALSE(decoder->awaiting_attachments());
}

TEST(BinaryReassembly, SeveralAttachmentsFillPlaceholdersByNumber) {
    // Placeholders refer to attachments by "num", not by position in the document.
    const auto packet = test::decode_frames(
        {text(R"(53-["files",{"_placeholder":true,"num":2},{"_placeholder":true,"num":0},)"
              R"({"_placeholder":true,"num":1}])"),
         binary({0}), binary({1, 1}), binary({2, 2, 2})});
    EXPECT_EQ(packet.data, json::array({"files", bytes({2, 2, 2}), bytes({0}), bytes({1, 1})}));
}

TEST(BinaryReassembly, NestedInObjectsAndArrays) {
    Packet packet{PacketType::event, "/uploads", 7,
                  json::array({"nested",
                               json{{"meta", {{"name", "a.bin"}}},
                                    {"parts", json::array({bytes({1}), bytes({2})})}},
                               json::array({json::array({bytes({3})})})})};
    const auto frames = test::encode(packet);
    ASSERT_EQ(frames.size(), 4u);
    // Object keys in order ("meta" < "parts"), arrays by index: parts[0], parts[1], then [[…]].
    EXPECT_EQ(frames[0],
              text(R"(53-/uploads,7["nested",{"meta":{"name":"a.bin"},"parts":[{"_placeholder":)"
                   R"(true,"num":0},{"_placeholder":true,"num":1}]},[[{"_placeholder":true,)"
                   R"("num":2}]]])"));
    EXPECT_EQ(frames[1], binary({1}));
    EXPECT_EQ(frames[2], binary({2}));
    EXPECT_EQ(frames[3], binary({3}));
    EXPECT_EQ(test::decode_frames(frames), packet);
}

TEST(BinaryReassembly, AckWithAttachmentsIsBinaryAck) {
    Packet ack{PacketType::ack, "/", 42, json::array({json{{"file", bytes({9, 8})}}, "done"})};
    const auto frames = test::encode(ack);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], text(R"(61-42[{"file":{"_placeholder":true,"num":0}},"done"])"));
    EXPECT_EQ(frames[1], binary({9, 8}));
    const auto decoded = test::decode_frames(frames);
    EXPECT_EQ(decoded.type, PacketType::ack);
    EXPECT_EQ(decoded, ack);
}

TEST(BinaryReassembly, EmptyAttachment) {
    const auto packet =
        test::decode_frames({text(R"(51-["e",{"_placeholder":true,"num":0}])"), binary({})});
    EXPECT_EQ(packet.data, json::array({"e", bytes({})}));
}

TEST(BinaryReassembly, AttachmentReferencedTwiceIsCopied) {
    // socket.io-parser accepts two placeholders with the same num; both get the bytes.
    const auto packet = test::decode_frames(
        {text(R"(51-["twice",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])"),
         binary({5, 6})});
    EXPECT_EQ(packet.data, json::array({"twice", bytes({5, 6}), bytes({5, 6})}));
}

TEST(BinaryReassembly, PlaceholderInAPlainEventStaysAnObject) {
    // Only BINARY_* packets have attachments; elsewhere the object is just data.
    const auto packet = test::decode_text(R"(2["x",{"_placeholder":true,"num":0}])");
    EXPECT_EQ(packet.data, json::parse(R"(["x",{"_placeholder":true,"num":0}])"));
}

TEST(BinaryReassembly, DecoderIsReusableAfterAPacket) {
    auto decoder = json_parser()->make_decoder();
    std::error_code ec;
    for (int round = 0; round < 3; ++round) {
        EXPECT_FALSE(decoder->feed(R"(51-["r",{"_placeholder":true,"num":0}])", false, ec));
        const auto packet = decoder->feed(std::string(1, static_cast<char>(round)), true, ec);
        ASSERT_TRUE(packet);
        EXPECT_EQ(packet->data[1], bytes({static_cast<std::uint8_t>(round)}));
        const auto plain = decoder->feed(R"(2["plain"])", false, ec);
        ASSERT_TRUE(plain);
        EXPECT_EQ(plain->data, json::array({"plain"}));
    }
    EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace socketio::protocol
