#include "engineio/protocol/payload.hpp"

#include <gtest/gtest.h>

#include "engineio/error.hpp"

using namespace engineio::protocol;

TEST(PayloadCodec, JoinsPacketsWithRecordSeparator) {
    const std::vector<Packet> packets{
        {PacketType::message, "hello", false},
        {PacketType::message, std::string("\x01\x02\x03\x04", 4), true},
        {PacketType::ping, "", false}};
    std::string out;
    encode_payload(packets, out);
    EXPECT_EQ(out,
              "4hello\x1e"
              "bAQIDBA==\x1e"
              "2");
}

TEST(PayloadCodec, SinglePacketHasNoSeparator) {
    const std::vector<Packet> packets{{PacketType::noop, "", false}};
    std::string out;
    encode_payload(packets, out);
    EXPECT_EQ(out, "6");
}

TEST(PayloadCodec, DecodesTheSpecExample) {
    std::vector<Packet> out;
    ASSERT_FALSE(
        decode_payload("4hello\x1e"
                       "bAQIDBA==",
                       1000, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], (Packet{PacketType::message, "hello", false}));
    EXPECT_EQ(out[1], (Packet{PacketType::message, std::string("\x01\x02\x03\x04", 4), true}));
}

TEST(PayloadCodec, OverMaxPayloadIsAnError) {
    std::vector<Packet> out;
    EXPECT_EQ(decode_payload("4hello", 5, out), engineio::error::payload_too_large);
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(decode_payload("4hello", 6, out));
}

TEST(PayloadCodec, AnInvalidPacketFailsTheWholePayload) {
    std::vector<Packet> out;
    EXPECT_EQ(decode_payload("4ok\x1e"
                             "9bad",
                             1000, out),
              engineio::error::invalid_packet);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(decode_payload("4ok\x1e", 1000, out), engineio::error::invalid_packet);  // empty
    EXPECT_EQ(decode_payload("", 1000, out), engineio::error::invalid_packet);
    EXPECT_EQ(decode_payload("b*", 1000, out), engineio::error::invalid_packet);
}

// A polling body is text: a text packet that is not UTF-8 is an invalid packet, as the same bytes
// in a WebSocket text frame are (Beast closes with 1007), and it fails the whole payload.
TEST(PayloadCodec, ATextPacketThatIsNotUtf8FailsThePayload) {
    std::vector<Packet> out;
    EXPECT_EQ(decode_payload("4\xff", 1000, out), engineio::error::invalid_packet);
    EXPECT_EQ(decode_payload("4caf\xc3", 1000, out), engineio::error::invalid_packet);  // truncated
    EXPECT_EQ(decode_payload("4\xc0\xaf", 1000, out), engineio::error::invalid_packet);  // overlong
    EXPECT_EQ(decode_payload("4\xed\xa0\x80", 1000, out),
              engineio::error::invalid_packet);  // surrogate
    EXPECT_EQ(decode_payload("4ok\x1e"
                             "4\xe9t\xe9",  // Latin-1, not UTF-8
                             1000, out),
              engineio::error::invalid_packet);
    EXPECT_TRUE(out.empty());
}

TEST(PayloadCodec, Utf8TextOfEveryLengthIsDecoded) {
    std::vector<Packet> out;
    ASSERT_FALSE(
        decode_payload("4\xc3\xa9\xe2\x9c\x93\x1e"
                       "4\xf0\x9f\x98\x80",
                       1000, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], (Packet{PacketType::message, "\xc3\xa9\xe2\x9c\x93", false}));
    EXPECT_EQ(out[1], (Packet{PacketType::message, "\xf0\x9f\x98\x80", false}));
}

TEST(PayloadCodec, EmptyMessagesSurvive) {
    std::vector<Packet> out;
    ASSERT_FALSE(
        decode_payload("4\x1e"
                       "4",
                       1000, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].data, "");
    EXPECT_EQ(out[1].data, "");
}
