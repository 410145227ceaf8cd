// handlers.async: with ONE event loop, a handler that blocks for a while does not stall another
// client's events (they run on the worker pool).
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class AsyncHandlers : public ::testing::TestWithParam<Mode> {};

TEST_P(AsyncHandlers, SlowHandlerDoesNotStallAnotherClient) {
    ScenarioServer::Options options;
    options.server.engine.threads = 1;
    options.server.handlers.async = true;
    options.server.handlers.threads = 2;
    ScenarioServer server(options);
    auto result = server.node("async_handlers", "slow_does_not_block", GetParam(), {"slowMs=1500"});
    ASSERT_TRUE(result.ok()) << result.describe();
    ASSERT_EQ(server.io().loop_count(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Modes, AsyncHandlers, ::testing::Values(Mode::polling, Mode::websocket),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
