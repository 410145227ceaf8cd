// Every example packet of the Socket.IO v5 spec (socketio/socket.io-protocol README, "Packet
// encoding" and the sample session), encoded and decoded byte-exact.

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace socketio::protocol {
namespace {

using test::binary;
using test::bytes;
using test::text;

struct SpecExample {
    const char* name;
    Packet packet;              // as the spec's table writes it (BINARY_* where it says so)
    std::vector<Frame> frames;  // the "Encoded" column
};

// What a decoder hands out: BINARY_EVENT/BINARY_ACK as EVENT/ACK with the attachments in place.
Packet as_decoded(Packet packet) {
    if (packet.type == PacketType::binary_event) packet.type = PacketType::event;
    if (packet.type == PacketType::binary_ack) packet.type = PacketType::ack;
    return packet;
}

class SpecExamples : public ::testing::TestWithParam<SpecExample> {};

TEST_P(SpecExamples, EncodesByteExact) {
    EXPECT_EQ(test::encode(GetParam().packet), GetParam().frames);
}

TEST_P(SpecExamples, DecodesToThePacket) {
    EXPECT_EQ(test::decode_frames(GetParam().frames), as_decoded(GetParam().packet));
}

TEST_P(SpecExamples, EncodesTheSameWhenGivenThePlainType) {
    // The layers above never pick BINARY_*: encode does, from the data.
    EXPECT_EQ(test::encode(as_decoded(GetParam().packet)), GetParam().frames);
}

const SpecExample examples[] = {
    // connection to a namespace
    {"connect_main", {PacketType::connect, "/", {}, nullptr}, {text("0")}},
    {"connect_main_sid",
     {PacketType::connect, "/", {}, json{{"sid", "wZX3oN0bSVIhsaknAAAI"}}},
     {text(R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})")}},
    {"connect_admin", {PacketType::connect, "/admin", {}, nullptr}, {text("0/admin,")}},
    {"connect_admin_sid",
     {PacketType::connect, "/admin", {}, json{{"sid", "oSO0OpakMV_3jnilAAAA"}}},
     {text(R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})")}},
    {"connect_admin_token",
     {PacketType::connect, "/admin", {}, json{{"token", "123"}}},
     {text(R"(0/admin,{"token":"123"})")}},
    {"connect_error",
     {PacketType::connect_error, "/", {}, json{{"message", "Not authorized"}}},
     {text(R"(4{"message":"Not authorized"})")}},
    // sending and receiving data
    {"event_main", {PacketType::event, "/", {}, json::array({"foo"})}, {text(R"(2["foo"])")}},
    {"event_admin",
     {PacketType::event, "/admin", {}, json::array({"bar"})},
     {text(R"(2/admin,["bar"])")}},
    {"binary_event_main",
     {PacketType::binary_event, "/", {}, json::array({"baz", bytes({1, 2, 3, 4})})},
     {text(R"(51-["baz",{"_placeholder":true,"num":0}])"), binary({1, 2, 3, 4})}},
    {"binary_event_admin_two",
     {PacketType::binary_event, "/admin", {}, json::array({"baz", bytes({1, 2}), bytes({3, 4})})},
     {text(R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"),
      binary({1, 2}), binary({3, 4})}},
    // acknowledgement
    {"event_ack_12", {PacketType::event, "/", 12, json::array({"foo"})}, {text(R"(212["foo"])")}},
    {"ack_12_empty", {PacketType::ack, "/", 12, json::array()}, {text("312[]")}},
    {"event_admin_ack_13",
     {PacketType::event, "/admin", 13, json::array({"foo"})},
     {text(R"(2/admin,13["foo"])")}},
    {"ack_admin_13",
     {PacketType::ack, "/admin", 13, json::array({"bar"})},
     {text(R"(3/admin,13["bar"])")}},
    {"binary_event_ack_14",
     {PacketType::binary_event, "/", 14, json::array({"foo", bytes({1, 2, 3, 4})})},
     {text(R"(51-14["foo",{"_placeholder":true,"num":0}])"), binary({1, 2, 3, 4})}},
    {"ack_14", {PacketType::ack, "/", 14, json::array({"bar"})}, {text(R"(314["bar"])")}},
    {"event_ack_15", {PacketType::event, "/", 15, json::array({"foo"})}, {text(R"(215["foo"])")}},
    {"binary_ack_15",
     {PacketType::binary_ack, "/", 15, json::array({"bar", bytes({1, 2, 3, 4})})},
     {text(R"(61-15["bar",{"_placeholder":true,"num":0}])"), binary({1, 2, 3, 4})}},
    // disconnection from a namespace
    {"disconnect_main", {PacketType::disconnect, "/", {}, nullptr}, {text("1")}},
    {"disconnect_admin", {PacketType::disconnect, "/admin", {}, nullptr}, {text("1/admin,")}},
    // sample session (the Socket.IO part of each Engine.IO message, after its "4")
    {"session_hey_jude",
     {PacketType::event, "/", {}, json::array({"hey", "Jude"})},
     {text(R"(2["hey","Jude"])")}},
    {"session_tellme",
     {PacketType::event, "/admin", 1, json::array({"tellme"})},
     {text(R"(2/admin,1["tellme"])")}},
    {"session_binary_ack",
     {PacketType::binary_ack, "/admin", 1, json::array({bytes({0xde, 0xad})})},
     {text(R"(61-/admin,1[{"_placeholder":true,"num":0}])"), binary({0xde, 0xad})}},
};

INSTANTIATE_TEST_SUITE_P(Readme, SpecExamples, ::testing::ValuesIn(examples),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SpecExamples, DecodesANamespaceWithoutTrailingComma) {
    // socket.io-parser reads the namespace up to ',' or the end; the official test suite sends
    // "40/random" and "41/custom" this way.
    EXPECT_EQ(test::decode_text("0/random"), (Packet{PacketType::connect, "/random", {}, nullptr}));
    EXPECT_EQ(test::decode_text("1/custom"),
              (Packet{PacketType::disconnect, "/custom", {}, nullptr}));
}

TEST(SpecExamples, DecodesTheOfficialTestSuitePackets) {
    EXPECT_EQ(test::decode_text(R"(2["message",1,"2",{"3":[true]}])"),
              (Packet{PacketType::event,
                      "/",
                      {},
                      json::array({"message", 1, "2", json{{"3", json::array({true})}}})}));
    EXPECT_EQ(
        test::decode_text(R"(2456["message-with-ack",1,"2",{"3":[false]}])"),
        (Packet{PacketType::event, "/", 456,
                json::array({"message-with-ack", 1, "2", json{{"3", json::array({false})}}})}));
    EXPECT_EQ(test::encode(Packet{PacketType::ack, "/", 456,
                                  json::array({1, "2", json{{"3", json::array({false})}}})}),
              std::vector<Frame>{text(R"(3456[1,"2",{"3":[false]}])")});
    EXPECT_EQ(
        test::encode(Packet{
            PacketType::connect_error, "/random", {}, json{{"message", "Invalid namespace"}}}),
        std::vector<Frame>{text(R"(4/random,{"message":"Invalid namespace"})")});
}

}  // namespace
}  // namespace socketio::protocol
