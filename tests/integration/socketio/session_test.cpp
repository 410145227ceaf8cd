// Session data persists across events of one socket and is per socket; Server::transport(sid).
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Session : public ::testing::TestWithParam<Mode> {};

TEST_P(Session, PersistsAcrossEvents) {
    ScenarioServer server;
    auto result = server.node("session", "persist", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Session, TransportBySid) {
    ScenarioServer server;
    auto result = server.node("session", "transport", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto reports = reported(result, "transport");
    ASSERT_EQ(reports.size(), 1u);
    // Gone once the client left (the disconnect handler runs before the socket is removed).
    std::string sid = reports[0]["sid"];
    ASSERT_EQ(server.wait_for_disconnect(sid),
              socketio::DisconnectReason::client_namespace_disconnect);
    auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!server.io().transport(sid).empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(server.io().transport(sid), "");
}

TEST(SessionByServerApi, UnknownSid) {
    ScenarioServer server;
    EXPECT_EQ(server.io().get_session("no-such-sid"), json::object());
    EXPECT_FALSE(server.io().save_session("no-such-sid", json{{"a", 1}}));
    EXPECT_EQ(server.io().transport("no-such-sid"), "");
}

INSTANTIATE_TEST_SUITE_P(Modes, Session,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
