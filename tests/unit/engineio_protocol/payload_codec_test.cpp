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
