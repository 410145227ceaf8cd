// Connecting to "/" and to named namespaces over every transport mode: per-namespace sids,
// "Invalid namespace" for unknown ones, and the accept-any-namespace option.
#include <gtest/gtest.h>

#include <set>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Connect : public ::testing::TestWithParam<Mode> {};

TEST_P(Connect, RootNamespace) {
    ScenarioServer server;
    auto result = server.node("connect", "root", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto connected = reported(result, "connected");
    ASSERT_EQ(connected.size(), 1u);
    std::string sid = connected[0]["sid"];
    auto record = server.connect_of(sid);
    ASSERT_TRUE(record) << "the connect handler saw sid " << sid;
    EXPECT_EQ(record->nsp, "/");
    EXPECT_EQ(record->auth, json::object()) << "no auth payload is {}";
    EXPECT_EQ(record->transport, GetParam() == Mode::websocket ? "websocket" : "polling");
    EXPECT_EQ(server.wait_for_disconnect(sid),
              socketio::DisconnectReason::client_namespace_disconnect);
}

TEST_P(Connect, SeveralNamespacesOverOneConnection) {
    ScenarioServer server;
    auto result = server.node("connect", "namespaces", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto connected = reported(result, "connected");
    ASSERT_EQ(connected.size(), 3u);
    std::set<std::string> sids;
    std::set<std::string> engine_sids;
    for (const auto& c : connected) {
        auto record = server.connect_of(c["sid"]);
        ASSERT_TRUE(record) << c.dump();
        EXPECT_EQ(record->nsp, c["nsp"]);
        sids.insert(record->sid);
        engine_sids.insert(record->engine_sid);
    }
    EXPECT_EQ(sids.size(), 3u) << "each namespace has its own sid";
    ASSERT_EQ(engine_sids.size(), 1u) << "one Engine.IO connection";
    auto engine = reported(result, "engine");
    ASSERT_EQ(engine.size(), 1u);
    EXPECT_EQ(*engine_sids.begin(), engine[0]["sid"]);
    EXPECT_EQ(sids.count(*engine_sids.begin()), 0u) << "socket sids are not the engine sid";
}

TEST_P(Connect, UnknownNamespaceIsRefused) {
    ScenarioServer server;
    auto result = server.node("connect", "invalid_namespace", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    for (const auto& c : server.connects()) EXPECT_NE(c.nsp, "/nope");
    EXPECT_FALSE(server.io().socket("x", "/nope"));
}

TEST_P(Connect, AnyNamespaceOptionAcceptsUnknownOnes) {
    ScenarioServer::Options options;
    options.server.namespaces = {"*"};
    ScenarioServer server(options);
    auto result = server.node("connect", "any_namespace", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto connected = reported(result, "connected");
    ASSERT_EQ(connected.size(), 1u);
    std::string sid = connected[0]["sid"];
    EXPECT_EQ(sid.empty(), false);
}

INSTANTIATE_TEST_SUITE_P(Modes, Connect,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
