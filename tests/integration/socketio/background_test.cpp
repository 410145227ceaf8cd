// Emits from threads that are not handlers (Server::start_background_task and a std::thread of
// the test) reach connected clients, in order.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Background : public ::testing::TestWithParam<Mode> {};

TEST_P(Background, BackgroundTaskEmitsInOrder) {
    ScenarioServer server;
    auto result = server.node("background", "burst", GetParam(), {"count=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Background, ForeignThreadEmitsToEveryClientInOrder) {
    ScenarioServer::Options options;
    options.ticks = 100;
    ScenarioServer server(options);
    auto result = server.node("background", "ticks", GetParam(), {"count=100"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

INSTANTIATE_TEST_SUITE_P(Modes, Background, ::testing::Values(Mode::polling, Mode::websocket),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
