// decode(encode(packet)) == packet for every packet type, namespace, ack id and payload shape a
// server sends or receives.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using test::bytes;

class RoundTrip : public ::testing::TestWithParam<Packet> {};

TEST_P(RoundTrip, DecodeOfEncodeIsThePacket) {
    EXPECT_EQ(test::decode_frames(test::encode(GetParam())), GetParam());
}

TEST_P(RoundTrip, EncodeOfDecodeIsTheSameFrames) {
    const auto frames = test::encode(GetParam());
    EXPECT_EQ(test::encode(test::decode_frames(frames)), frames);
}

const Packet packets[] = {
    {PacketType::connect, "/", {}, nullptr},
    {PacketType::connect, "/chat", {}, json{{"token", "t"}, {"n", 1}}},
    {PacketType::connect, "/", {}, json{{"sid", "abc"}, {"pid", "def"}}},
    {PacketType::disconnect, "/", {}, nullptr},
    {PacketType::disconnect, "/a/b/c", {}, nullptr},
    {PacketType::event, "/", {}, json::array({"e"})},
    {PacketType::event, "/", 0, json::array({"zero id"})},
    {PacketType::event, "/", 18446744073709551615u, json::array({"max id"})},
    {PacketType::event, "/ns", 99,
     json::array({"args", 1, -2, 3.5, true, false, nullptr, json::object(), json::array()})},
    {PacketType::event, "/", {}, json::array({7, "numeric name"})},
    {PacketType::event, "/ünïcødé", {}, json::array({"日本語", "emoji 😀", "q\"uote\\"})},
    {PacketType::event, "/", {}, json::array({"ctrl", std::string("a\x01\n\t\x1f", 5)})},
    {PacketType::event, "/", {}, json::array({"comma,in,data", "/slash", "123"})},
    {PacketType::ack, "/", 5, json::array()},
    {PacketType::ack, "/x", 6, json::array({nullptr, json{{"k", json::array({1, 2})}}})},
    {PacketType::connect_error, "/", {}, json{{"message", "Not authorized"}, {"data", {1, 2}}}},
    {PacketType::connect_error, "/admin", {}, "plain string"},
    {PacketType::event, "/", 3, json::array({"bin", bytes({1, 2, 3}), json{{"b", bytes({4})}}})},
    {PacketType::ack, "/bin", 4, json::array({bytes({}), bytes({0, 0, 0})})},
};

INSTANTIATE_TEST_SUITE_P(Packets, RoundTrip, ::testing::ValuesIn(packets));

TEST(RoundTrip, NamespaceSlashIsOmittedAndEmptyMeansMain) {
    EXPECT_EQ(test::encode({PacketType::event, "/", {}, json::array({"a"})})[0].data, R"(2["a"])");
    EXPECT_EQ(test::encode({PacketType::event, "", {}, json::array({"a"})})[0].data, R"(2["a"])");
}

TEST(RoundTrip, LargeBinaryAttachment) {
    std::vector<std::uint8_t> big(1 << 20);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31);
    const Packet packet{PacketType::event, "/", {}, json::array({"big", json::binary(big)})};
    const auto frames = test::encode(packet);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].data.size(), big.size());
    EXPECT_EQ(test::decode_frames(frames), packet);
}

}  // namespace
}  // namespace socketio::protocol
