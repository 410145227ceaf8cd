#include "engineio/protocol/packet.hpp"

#include <gtest/gtest.h>

#include "engineio/error.hpp"

using namespace engineio::protocol;

namespace {
std::string encode(const Packet& p) {
    std::string out;
    encode_packet(p, out);
    return out;
}
}  // namespace

TEST(PacketCodec, EncodesEachTypeAsItsDigit) {
    EXPECT_EQ(encode({PacketType::open, R"({"sid":"x"})", false}), R"(0{"sid":"x"})");
    EXPECT_EQ(encode({PacketType::close, "", false}), "1");
    EXPECT_EQ(encode({PacketType::ping, "probe", false}), "2probe");
    EXPECT_EQ(encode({PacketType::pong, "probe", false}), "3probe");
    EXPECT_EQ(encode({PacketType::message, "hello €", false}), "4hello €");
    EXPECT_EQ(encode({PacketType::upgrade, "", false}), "5");
    EXPECT_EQ(encode({PacketType::noop, "", false}), "6");
}

TEST(PacketCodec, EncodesBinaryMessageAsBase64) {
    EXPECT_EQ(encode({PacketType::message, std::string("\x01\x02\x03\x04", 4), true}), "bAQIDBA==");
}

TEST(PacketCodec, DecodesTextPackets) {
    for (int t = 0; t <= 6; ++t) {
        Packet p;
        const std::string text = std::string(1, static_cast<char>('0' + t)) + "data";
        ASSERT_FALSE(decode_packet(text, p)) << text;
        EXPECT_EQ(static_cast<int>(p.type), t);
        EXPECT_EQ(p.data, "data");
        EXPECT_FALSE(p.binary);
    }
}

TEST(PacketCodec, DecodesBinaryPacket) {
    Packet p;
    ASSERT_FALSE(decode_packet("bAQIDBA==", p));
    EXPECT_EQ(p.type, PacketType::message);
    EXPECT_TRUE(p.binary);
    EXPECT_EQ(p.data, std::string("\x01\x02\x03\x04", 4));
}

TEST(PacketCodec, RefusesInvalidPackets) {
    Packet p;
    EXPECT_EQ(decode_packet("", p), engineio::error::invalid_packet);
    EXPECT_EQ(decode_packet("7", p), engineio::error::invalid_packet);
    EXPECT_EQ(decode_packet("x4", p), engineio::error::invalid_packet);
    EXPECT_EQ(decode_packet("b!!!", p), engineio::error::invalid_packet);
}

TEST(PacketCodec, BinaryFrameIsARawBinaryMessage) {
    const std::string bytes("\x00\xff\x10", 3);
    const Packet p = decode_binary_frame(bytes);
    EXPECT_EQ(p.type, PacketType::message);
    EXPECT_TRUE(p.binary);
    EXPECT_EQ(p.data, bytes);
}

TEST(PacketCodec, RoundTripsThroughTextForm) {
    const Packet packets[] = {{PacketType::message, "héllo", false},
                              {PacketType::message, std::string("\0\1\2", 3), true},
                              {PacketType::ping, "", false}};
    for (const Packet& original : packets) {
        Packet decoded;
        ASSERT_FALSE(decode_packet(encode(original), decoded));
        EXPECT_EQ(decoded, original);
    }
}

TEST(ErrorCategory, NamesTheProtocolErrors) {
    EXPECT_STREQ(engineio::error_category().name(), "engineio");
    EXPECT_EQ(std::error_code(engineio::error::transport_unknown).message(), "Transport unknown");
    EXPECT_EQ(std::error_code(engineio::error::unknown_sid).message(), "Session ID unknown");
    EXPECT_EQ(std::error_code(engineio::error::bad_handshake_method).message(),
              "Bad handshake method");
    EXPECT_EQ(std::error_code(engineio::error::bad_request).message(), "Bad request");
    EXPECT_EQ(std::error_code(engineio::error::forbidden).message(), "Forbidden");
    EXPECT_EQ(std::error_code(engineio::error::unsupported_protocol_version).message(),
              "Unsupported protocol version");
}
