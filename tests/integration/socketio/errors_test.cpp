// A throwing event handler reaches the namespace's error handler, else the server's default one,
// with the event, its arguments and the exception; the connection survives.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Errors : public ::testing::TestWithParam<Mode> {};

TEST_P(Errors, NamespaceErrorHandler) {
    ScenarioServer server;
    auto result = server.node("errors", "namespace_handler", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto errors = server.errors();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].handler, "namespace");
    EXPECT_EQ(errors[0].nsp, "/errors");
    EXPECT_EQ(errors[0].event, "throw");
    EXPECT_EQ(errors[0].args, json::array({1, "x"}));
    EXPECT_EQ(errors[0].what, "boom");
}

TEST_P(Errors, DefaultErrorHandler) {
    ScenarioServer server;
    auto result = server.node("errors", "default_handler", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto errors = server.errors();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].handler, "default");
    EXPECT_EQ(errors[0].nsp, "/");
    EXPECT_EQ(errors[0].event, "throw");
    EXPECT_EQ(errors[0].what, "boom");
}

INSTANTIATE_TEST_SUITE_P(Modes, Errors, ::testing::Values(Mode::polling, Mode::websocket),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
