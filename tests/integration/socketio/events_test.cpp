// Events: 0, 1 and many arguments of every JSON type; binary arguments both ways (nested too);
// message/send; the catch-all; typed handlers (int, std::string, a struct with from_json).
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Events : public ::testing::TestWithParam<Mode> {};

std::vector<EventRecord> events_named(const ScenarioServer& server, const std::string& name) {
    std::vector<EventRecord> out;
    for (auto& e : server.events()) {
        if (e.event == name) out.push_back(e);
    }
    return out;
}

TEST_P(Events, ArgumentsOfEveryJsonType) {
    ScenarioServer server;
    auto result = server.node("events", "args", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto echoes = events_named(server, "echo");
    ASSERT_EQ(echoes.size(), 3u);
    EXPECT_EQ(echoes[0].args, json::array());
    EXPECT_EQ(echoes[1].args, json::array({42}));
    const json& many = echoes[2].args;
    ASSERT_EQ(many.size(), 13u) << many.dump();
    EXPECT_EQ(many[0], "str");
    EXPECT_EQ(many[1], 1.5);
    EXPECT_EQ(many[2], -3);
    EXPECT_EQ(many[4], 1099511627776);
    EXPECT_EQ(many[5], true);
    EXPECT_TRUE(many[7].is_null());
    EXPECT_EQ(many[8]["a"]["b"], json::array({1, "x", nullptr}));
    EXPECT_EQ(many[11], "\xc3\xa9\xe2\x9c\x93 unicode \xf0\x9f\x98\x80");
    EXPECT_EQ(many[12], "quote\" backslash\\ newline\n tab\t");
    auto emits = events_named(server, "echo-emit");
    ASSERT_EQ(emits.size(), 2u);
    EXPECT_EQ(emits[0].args, many);
}

TEST_P(Events, BinaryArgumentsBothWays) {
    ScenarioServer server;
    auto result = server.node("events", "binary", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto echoes = events_named(server, "echo");
    ASSERT_EQ(echoes.size(), 1u);
    const json& args = echoes[0].args;
    ASSERT_EQ(args.size(), 3u);
    ASSERT_TRUE(args[0].is_binary()) << args.dump();
    EXPECT_EQ(bytes_of(args[0]), (std::vector<std::uint8_t>{0, 1, 2, 255}));
    ASSERT_TRUE(args[1]["file"].is_binary());
    auto file = bytes_of(args[1]["file"]);
    EXPECT_EQ(std::string(file.begin(), file.end()), "hello");
    const json& parts = args[1]["meta"]["parts"];
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_TRUE(parts[1].is_binary());
    EXPECT_TRUE(parts[1].get_binary().empty());
    EXPECT_EQ(args[1]["meta"]["name"], "x");
    EXPECT_EQ(args[2], "text");
}

TEST_P(Events, MessageAndSend) {
    ScenarioServer server;
    auto result = server.node("events", "message", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto messages = events_named(server, "message");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].args, json::array({"hi there"}));
}

TEST_P(Events, CatchAllGetsUnhandledEvents) {
    ScenarioServer server;
    auto result = server.node("events", "catch_all", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto caught = events_named(server, "no-such-handler");
    ASSERT_EQ(caught.size(), 1u);
    EXPECT_EQ(caught[0].args, (json::array({1, {{"a", 2}}})));
    EXPECT_EQ(events_named(server, "other one").size(), 1u);
}

TEST_P(Events, TypedHandlers) {
    ScenarioServer server;
    auto result = server.node("events", "typed", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(events_named(server, "sum").at(0).args, json::array({2, 3}));
    EXPECT_EQ(events_named(server, "greet").at(0).args, json::array({"bob"}));
    EXPECT_EQ(events_named(server, "point-sum").at(0).args, json::array({2, 40}));
}

INSTANTIATE_TEST_SUITE_P(Modes, Events,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
