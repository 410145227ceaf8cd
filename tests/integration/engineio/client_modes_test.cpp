// The official engine.io-client in its three modes (polling only, WebSocket only, polling upgraded
// to WebSocket) exchanging text and binary with the echo server, then closing from either side.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/json_lines.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

struct Mode {
    std::string name;                      // client_modes.mjs scenario
    std::string transport;                 // the transport the session ends on
    DisconnectReason client_close_reason;  // polling sends CLOSE; WebSocket just closes the socket
};

void PrintTo(const Mode& mode, std::ostream* os) {
    *os << mode.name;
}

class ClientModes : public ::testing::TestWithParam<std::tuple<Mode, std::string>> {};

TEST_P(ClientModes, ExchangeAndClose) {
    const auto& [mode, closer] = GetParam();
    EchoServer server;
    auto result = server.run_script("client_modes", mode.name, {"close=" + closer});
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    std::vector<Received> expected{text("hello"), text(kUnicode), text(std::string(5000, 'x')),
                                   binary(std::string("\x00\x01\x02\xfd\xfe\xff", 6))};
    for (int i = 0; i < 5; ++i) expected.push_back(text("seq" + std::to_string(i)));
    if (closer == "server") expected.push_back(text("cmd:close"));
    EXPECT_EQ(server.wait_for_messages(sids[0], expected.size()), expected);
    auto reason = server.wait_for_disconnect(sids[0]);
    EXPECT_EQ(reason,
              closer == "server" ? DisconnectReason::server_close : mode.client_close_reason);
    SessionRecord record = server.record(sids[0]);
    EXPECT_EQ(record.transport_at_connect, mode.name == "websocket" ? "websocket" : "polling");
    EXPECT_EQ(record.transport_at_disconnect, mode.transport);
}

TEST(ManyClients, EachGetsItsOwnEchoesInOrder) {
    EchoServer server;  // two loops: sessions are spread over both
    auto result = server.run_script("client_modes", "many", {"clients=30", "messages=20"});
    ASSERT_TRUE(result.ok()) << result.describe();
    auto opens = siotest::json_events(result.out, "open");
    ASSERT_EQ(opens.size(), 30u);
    for (const auto& open : opens) {
        std::string sid = open["sid"];
        int client = open["client"];
        std::vector<Received> expected;
        for (int i = 0; i < 20; ++i) {
            expected.push_back(text("c" + std::to_string(client) + "-" + std::to_string(i)));
        }
        EXPECT_EQ(server.wait_for_messages(sid, expected.size()), expected) << "client " << client;
        EXPECT_TRUE(server.wait_for_disconnect(sid).has_value()) << "client " << client;
    }
    EXPECT_EQ(server.connected().size(), 30u);
}

INSTANTIATE_TEST_SUITE_P(
    EngineIoClient, ClientModes,
    ::testing::Combine(
        ::testing::Values(Mode{"polling", "polling", DisconnectReason::client_close},
                          Mode{"websocket", "websocket", DisconnectReason::transport_close},
                          Mode{"upgrade", "websocket", DisconnectReason::transport_close}),
        ::testing::Values("client", "server")),
    [](const auto& info) {
        return std::get<0>(info.param).name + "_closed_by_" + std::get<1>(info.param);
    });

}  // namespace
}  // namespace enginetest
