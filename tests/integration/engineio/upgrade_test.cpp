// The upgrade from polling to WebSocket (2probe/3probe, NOOP, UPGRADE) and what is refused after
// it.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

std::string only_sid(const siotest::ProcessResult& result) {
    auto sids = reported_sids(result);
    return sids.size() == 1 ? sids[0] : std::string{};
}

TEST(Upgrade, ProbeNoopUpgradeThenPollingIsRefused) {
    EchoServer server;
    auto result = server.run_script("upgrade", "upgrade");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    // "late" was POSTed after the upgrade and refused: it must not be delivered.
    std::vector<Received> expected{text("hello"), binary("\x09\x08\x07"), text("after")};
    EXPECT_EQ(server.wait_for_messages(sid, 3), expected);
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_close);
    SessionRecord record = server.record(sid);
    EXPECT_EQ(record.transport_at_connect, "polling");
    EXPECT_EQ(record.transport_at_disconnect, "websocket");
    EXPECT_EQ(server.connected().size(), 1u) << "the upgrade is the same session";
}

TEST(Upgrade, GetAfterProbeGetsNoop) {
    EchoServer server;
    auto result = server.run_script("upgrade", "upgrade_then_poll");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_messages(only_sid(result), 1), std::vector{text("hi")});
}

TEST(Upgrade, MessagesSentDuringTheUpgradeAreNotLost) {
    EchoServer server;
    auto result = server.run_script("upgrade", "messages_during_upgrade");
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Upgrade, SecondWebSocketForAnUpgradedSessionIsRefused) {
    EchoServer server;
    auto result = server.run_script("upgrade", "second_websocket");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_messages(only_sid(result), 1), std::vector{text("still")});
    EXPECT_EQ(server.connected().size(), 1u);
}

TEST(Upgrade, NoneOfferedAndRefusedWhenUpgradesAreOff) {
    EchoServer server({.transports = {.allow_upgrades = false}});
    auto result = server.run_script("upgrade", "upgrades_disabled");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::vector<Received> expected{text("poll-0"), text("poll-1"), text("poll-2")};
    EXPECT_EQ(server.record(only_sid(result)).messages, expected);
}

TEST(Upgrade, ProbeWithoutUpgradeTimesOutAndPollingCarriesOn) {
    EchoServer server({.transports = {.upgrade_timeout = 500ms}});
    auto result = server.run_script("upgrade", "upgrade_timeout", {"upgradeTimeout=500"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    EXPECT_EQ(server.wait_for_messages(sid, 1), std::vector{text("still-polling")});
    EXPECT_FALSE(server.record(sid).reason.has_value()) << "the failed upgrade ends no session";
    auto session = server.server().find(sid);
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(session->transport(), "polling");
}

TEST(Upgrade, HeartbeatRunsOverTheWebSocketAfterTheUpgrade) {
    EchoServer server({.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms}});
    auto result = server.run_script("upgrade", "heartbeat_after_upgrade",
                                    {"pingInterval=300", "pingTimeout=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    EXPECT_EQ(server.wait_for_messages(sid, 1), std::vector{text("alive")});
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_close);
}

TEST(Upgrade, UnknownSidIsRefused) {
    EchoServer server;
    auto result = server.run_script("upgrade", "unknown_sid");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

}  // namespace
}  // namespace enginetest
