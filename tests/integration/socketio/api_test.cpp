// Issue 12's handler API driven by the official JS client: key order through the server, a
// middleware refusing with data and keeping socket data, asynchronous middleware and connect
// handler, an emit refused by the send-queue bound.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Api : public ::testing::TestWithParam<Mode> {};

TEST_P(Api, ObjectsKeepTheirKeyOrderThroughTheServer) {
    ScenarioServer server;
    auto result = server.node("api", "key_order", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Api, MiddlewareRefusesWithDataAndKeepsSocketData) {
    ScenarioServer server;
    auto result = server.node("api", "middleware", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Api, CoroutineMiddlewareAndConnectHandler) {
    ScenarioServer server;
    auto result = server.node("api", "async_connect", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

INSTANTIATE_TEST_SUITE_P(Modes, Api,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

TEST(ApiBackpressure, ARefusedEmitLeavesTheConnectionUsable) {
    ScenarioServer server;
    auto result = server.node("api", "backpressure", Mode::websocket);
    ASSERT_TRUE(result.ok()) << result.describe();
    auto flood = reported(result, "flood");
    ASSERT_EQ(flood.size(), 1u);
    EXPECT_TRUE(flood[0]["refused"].get<bool>());
    EXPECT_GT(flood[0]["queued"].get<int>(), 0);
}

}  // namespace
}  // namespace siotest
