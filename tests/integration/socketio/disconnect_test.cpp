// Every way a socket leaves and the reason each side sees: server disconnect ("io server
// disconnect" on the client, server_namespace_disconnect on the server), client disconnect
// (client_namespace_disconnect), transport close; the connect timeout for a raw client that never
// sends CONNECT; an invalid packet closing the connection.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

using socketio::DisconnectReason;

class Disconnect : public ::testing::TestWithParam<Mode> {};

std::string connected_sid(const ProcessResult& result) {
    auto connected = reported(result, "connected");
    return connected.size() == 1 ? connected[0]["sid"].get<std::string>() : std::string{};
}

TEST_P(Disconnect, ServerDisconnectsTheSocket) {
    ScenarioServer server;
    auto result = server.node("disconnect", "server_disconnect", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)),
              DisconnectReason::server_namespace_disconnect);
}

TEST_P(Disconnect, ServerDisconnectsAndClosesTheConnection) {
    ScenarioServer server;
    auto result = server.node("disconnect", "server_close", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)),
              DisconnectReason::server_namespace_disconnect);
    // The client learns it from the DISCONNECT packet, not from a ping timeout (4 s here).
    auto disconnect = reported(result, "disconnect");
    ASSERT_EQ(disconnect.size(), 1u);
    EXPECT_LT(disconnect[0]["elapsed_ms"].get<int>(), 2500) << result.out;
}

TEST_P(Disconnect, ClientDisconnects) {
    ScenarioServer server;
    auto result = server.node("disconnect", "client_disconnect", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)),
              DisconnectReason::client_namespace_disconnect);
}

// The same over raw polling: the DISCONNECT packet reaches the client before the session ends.
TEST(DisconnectRawPolling, ServerCloseDeliversDisconnectFirst) {
    ScenarioServer server;
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto result = server.node("disconnect", "server_close_raw_polling", Mode::polling);
        ASSERT_TRUE(result.ok()) << "attempt " << attempt << ": " << result.describe();
        EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)),
                  DisconnectReason::server_namespace_disconnect);
    }
}

INSTANTIATE_TEST_SUITE_P(Modes, Disconnect,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

TEST(DisconnectTransport, DroppedWebSocketIsATransportClose) {
    ScenarioServer server;
    auto result = server.node("disconnect", "transport_close", Mode::websocket);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)), DisconnectReason::transport_close);
}

ScenarioServer::Options short_connect_timeout() {
    ScenarioServer::Options options;
    options.server.connect.timeout = std::chrono::milliseconds(600);
    return options;
}

TEST(DisconnectConnectTimeout, RawPollingClientWithoutConnectIsClosed) {
    ScenarioServer server(short_connect_timeout());
    auto result =
        server.node("disconnect", "connect_timeout_polling", Mode::polling, {"connectTimeout=600"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connects().empty());
}

TEST(DisconnectConnectTimeout, RawWebSocketClientWithoutConnectIsClosed) {
    ScenarioServer server(short_connect_timeout());
    auto result = server.node("disconnect", "connect_timeout_websocket", Mode::websocket,
                              {"connectTimeout=600"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connects().empty());
}

TEST(DisconnectInvalidPacket, ClosesTheConnection) {
    ScenarioServer server;
    auto result = server.node("disconnect", "invalid_packet", Mode::websocket);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)), DisconnectReason::parse_error);
}

// As Node's socket.io: CONNECT to a namespace the connection already joined closes it.
TEST(DisconnectSecondConnect, ClosesTheConnection) {
    ScenarioServer server;
    auto result = server.node("disconnect", "second_connect", Mode::websocket);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(connected_sid(result)),
              DisconnectReason::forced_server_close);
    EXPECT_EQ(server.connects().size(), 1u) << "the connect handler ran once";
}

}  // namespace
}  // namespace siotest
