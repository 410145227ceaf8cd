// The core scenarios with Debian's python3-socketio 5.7.2 client (socketio.Client), over polling
// and over WebSocket (python3-websocket 1.2.3): auth accepted / refused with data, events and acks
// both ways, binary, a room broadcast, a named namespace, server disconnect.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

using socketio::DisconnectReason;

class PythonClient : public ::testing::TestWithParam<Mode> {};

TEST_P(PythonClient, ConnectWithAuth) {
    ScenarioServer server;
    auto result = server.python("connect_auth", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto whoami = reported(result, "whoami");
    ASSERT_EQ(whoami.size(), 1u);
    auto record = server.connect_of(whoami[0]["sid"]);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->auth, (json{{"token", "abc"}, {"n", 1}}));
    EXPECT_EQ(record->handshake.header("x-custom"), "hdr-value");
    EXPECT_EQ(record->handshake.cookie("flavor"), "mint");
    EXPECT_EQ(record->handshake.query_param("token"), "q-1");
}

TEST_P(PythonClient, RefusedWithData) {
    ScenarioServer server;
    auto result = server.python("refused", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.refused().size(), 2u);
    EXPECT_TRUE(server.connects().empty());
}

TEST_P(PythonClient, EventsAndAcksBothWays) {
    ScenarioServer server;
    auto result = server.python("events", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(PythonClient, Binary) {
    ScenarioServer server;
    auto result = server.python("binary", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(PythonClient, RoomBroadcast) {
    ScenarioServer server;
    auto result = server.python("room_broadcast", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(PythonClient, NamedNamespace) {
    ScenarioServer server;
    auto result = server.python("namespace", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    for (const auto& c : reported(result, "connected")) {
        auto record = server.connect_of(c["sid"]);
        ASSERT_TRUE(record) << c.dump();
        EXPECT_EQ(record->nsp, c["nsp"]);
    }
}

TEST_P(PythonClient, ServerDisconnect) {
    ScenarioServer server;
    auto result = server.python("server_disconnect", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto connected = reported(result, "connected");
    ASSERT_EQ(connected.size(), 1u);
    EXPECT_EQ(server.wait_for_disconnect(connected[0]["sid"]),
              DisconnectReason::server_namespace_disconnect);
}

INSTANTIATE_TEST_SUITE_P(Modes, PythonClient, ::testing::Values(Mode::polling, Mode::websocket),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
