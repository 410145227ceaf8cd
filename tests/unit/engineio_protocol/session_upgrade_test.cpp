#include <gtest/gtest.h>

#include "session_test_support.hpp"

using namespace engineio::protocol;
using namespace engineio::protocol::testing;

TEST(SessionUpgrade, ProbeThenUpgradeSwitchesTransport) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    EXPECT_TRUE(m.upgrading());

    m.on_packet({PacketType::ping, "probe", false}, Channel::probe, clock.now);
    auto actions = drain(m);
    ASSERT_EQ(actions.size(), 2u);
    EXPECT_EQ(actions[0].kind, Kind::send);
    EXPECT_EQ(actions[0].channel, Channel::probe);
    EXPECT_EQ(actions[0].packet, (Packet{PacketType::pong, "probe", false}));
    EXPECT_EQ(actions[1].kind, Kind::release_poll);
    EXPECT_EQ(m.upgrade_state(), SessionMachine::Upgrade::probed);

    m.on_packet({PacketType::upgrade, "", false}, Channel::probe, clock.now);
    actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::upgrade_complete);
    EXPECT_EQ(m.upgrade_state(), SessionMachine::Upgrade::done);
    EXPECT_FALSE(m.upgrading());
}

TEST(SessionUpgrade, SecondProbeIsRefused) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    EXPECT_FALSE(m.on_probe_attached(clock.now));
    m.on_packet({PacketType::ping, "probe", false}, Channel::probe, clock.now);
    m.on_packet({PacketType::upgrade, "", false}, Channel::probe, clock.now);
    drain(m);
    EXPECT_FALSE(m.on_probe_attached(clock.now));  // already upgraded
}

TEST(SessionUpgrade, TimesOutWithoutUpgradePacket) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    // Keep the heartbeat alive so only the upgrade deadline matters.
    auto cfg = test_config();
    cfg.ping_interval = 5000ms;
    SessionMachine slow(cfg, clock.now);
    ASSERT_TRUE(slow.on_probe_attached(clock.now));
    slow.on_packet({PacketType::ping, "probe", false}, Channel::probe, clock.now);
    drain(slow);
    EXPECT_EQ(slow.next_deadline(), clock.now + 1000ms);
    const auto actions = fire_at_deadline(slow, clock);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::upgrade_abort);
    EXPECT_FALSE(slow.closed());
    EXPECT_FALSE(slow.upgrading());
    EXPECT_EQ(slow.next_deadline(), clock.now - 1000ms + 5000ms);  // back to the ping schedule
}

TEST(SessionUpgrade, UnexpectedPacketOnProbeAbortsUpgradeOnly) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    m.on_packet({PacketType::message, "too early", false}, Channel::probe, clock.now);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::upgrade_abort);
    EXPECT_FALSE(m.closed());
}

TEST(SessionUpgrade, ProbeTransportClosingAbortsUpgradeOnly) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    m.on_transport_closed(Channel::probe, true);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::upgrade_abort);
    EXPECT_FALSE(m.closed());
    EXPECT_TRUE(m.on_probe_attached(clock.now));  // a new attempt may follow
}

TEST(SessionUpgrade, MessagesOnPollingStillFlowDuringUpgrade) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    m.on_packet({PacketType::message, "x", false}, Channel::primary, clock.now);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::deliver);
}

TEST(SessionUpgrade, CloseDuringUpgradeAbortsProbeThenCloses) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    ASSERT_TRUE(m.on_probe_attached(clock.now));
    m.close(CloseReason::server_close);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 2u);
    EXPECT_EQ(actions[0].kind, Kind::upgrade_abort);
    EXPECT_EQ(actions[1].kind, Kind::close);
}
