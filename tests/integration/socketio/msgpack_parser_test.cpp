// The msgpack parser (ServerOptions::parser = Parser::msgpack) with the official client set up
// with socket.io-msgpack-parser: connect with auth, an event with mixed arguments (binary among
// them) and its ack, the server's binary ack, emits and a broadcast, a server emit with an ack, a
// second namespace; and a text message closing the connection. Polling, WebSocket and upgrade.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class MsgpackClient : public ::testing::TestWithParam<Mode> {};

ScenarioServer::Options msgpack_server() {
    ScenarioServer::Options options;
    options.server.parser = socketio::Parser::msgpack;
    return options;
}

TEST_P(MsgpackClient, EventsAcksAndEmitsWithBinary) {
    ScenarioServer server(msgpack_server());
    auto result = server.node("msgpack", "mixed", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto ok = reported(result, "ok");
    ASSERT_EQ(ok.size(), 1u) << result.out;
    EXPECT_EQ(ok[0]["transport"], GetParam() == Mode::polling ? "polling" : "websocket");

    auto connect = server.connect_of(ok[0]["sid"].get<std::string>());
    ASSERT_TRUE(connect);
    EXPECT_EQ(connect->auth, (json{{"token", "t1"}}));

    // The handler saw the arguments as the JSON parser would hand them: binary values in place.
    std::vector<EventRecord> echoes;
    for (auto& e : server.events()) {
        if (e.event == "echo" && e.nsp == "/") echoes.push_back(e);
    }
    ASSERT_EQ(echoes.size(), 1u);
    const json& args = echoes[0].args;
    ASSERT_EQ(args.size(), 11u) << args.dump();
    EXPECT_EQ(args[0], "str");
    EXPECT_EQ(args[1], 1.5);
    EXPECT_EQ(args[3], 1099511627776);
    EXPECT_TRUE(args[5].is_null());
    EXPECT_EQ(args[6].dump(), R"({"a":{"b":[1,"x",null]},"ü":"ß"})");
    ASSERT_TRUE(args[7].is_binary());
    EXPECT_EQ(bytes_of(args[7]), (std::vector<std::uint8_t>{0, 1, 2, 255}));
    ASSERT_TRUE(args[8]["file"].is_binary());
    EXPECT_EQ(bytes_of(args[8]["file"]), (std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'}));
    EXPECT_TRUE(args[8]["parts"][0].is_binary());
    ASSERT_TRUE(args[9].is_binary()) << "a Uint8Array (ext type 0) is binary too";
    EXPECT_EQ(bytes_of(args[9]), (std::vector<std::uint8_t>{9, 8}));
    EXPECT_EQ(args[10], "\xc3\xa9\xe2\x9c\x93 \xf0\x9f\x98\x80");
}

TEST_P(MsgpackClient, ATextMessageClosesTheConnection) {
    ScenarioServer server(msgpack_server());
    auto result = server.node("msgpack", "text_frame", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto connected = reported(result, "connected");
    ASSERT_EQ(connected.size(), 1u) << result.out;
    EXPECT_EQ(server.wait_for_disconnect(connected[0]["sid"].get<std::string>()),
              socketio::DisconnectReason::parse_error);
}

INSTANTIATE_TEST_SUITE_P(Modes, MsgpackClient,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
