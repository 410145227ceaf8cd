#include <gtest/gtest.h>

#include "session_test_support.hpp"

using namespace engineio::protocol;
using namespace engineio::protocol::testing;

TEST(SessionHeartbeat, OpenPacketHasExactlyTheSpecFields) {
    EXPECT_EQ(SessionMachine::open_packet_data("abc", true, test_config()),
              R"({"sid":"abc","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,)"
              R"("maxPayload":1000})");
    EXPECT_EQ(
        SessionMachine::open_packet_data("abc", false, test_config()),
        R"({"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000})");
}

TEST(SessionHeartbeat, FirstPingIsDuePingIntervalAfterOpen) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    EXPECT_EQ(m.next_deadline(), clock.now + 300ms);

    clock.advance(299ms);
    m.on_timer(clock.now);  // early wake-up: nothing happens
    EXPECT_TRUE(drain(m).empty());

    const auto actions = fire_at_deadline(m, clock);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::send);
    EXPECT_EQ(actions[0].channel, Channel::primary);
    EXPECT_EQ(actions[0].packet.type, PacketType::ping);
    EXPECT_TRUE(m.awaiting_pong());
}

TEST(SessionHeartbeat, NoPongWithinPingTimeoutClosesWithPingTimeout) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    const auto ping_time = (fire_at_deadline(m, clock), clock.now);
    EXPECT_EQ(m.next_deadline(), ping_time + 200ms);

    clock.advance(199ms);
    m.on_timer(clock.now);
    EXPECT_TRUE(drain(m).empty());
    EXPECT_FALSE(m.closed());

    const auto actions = fire_at_deadline(m, clock);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::close);
    EXPECT_EQ(actions[0].reason, CloseReason::ping_timeout);
    EXPECT_FALSE(actions[0].send_close_packet);
    EXPECT_TRUE(m.closed());
    EXPECT_FALSE(m.next_deadline());
}

TEST(SessionHeartbeat, PongSchedulesNextPingOneIntervalLater) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    fire_at_deadline(m, clock);
    clock.advance(150ms);
    m.on_packet({PacketType::pong, "", false}, Channel::primary, clock.now);
    EXPECT_TRUE(drain(m).empty());
    EXPECT_FALSE(m.awaiting_pong());
    EXPECT_EQ(m.next_deadline(), clock.now + 300ms);

    // Several rounds of ping/pong keep the session open.
    for (int i = 0; i < 5; ++i) {
        const auto actions = fire_at_deadline(m, clock);
        ASSERT_EQ(actions.size(), 1u);
        EXPECT_EQ(actions[0].packet.type, PacketType::ping);
        clock.advance(199ms);
        m.on_packet({PacketType::pong, "", false}, Channel::primary, clock.now);
    }
    EXPECT_FALSE(m.closed());
}

TEST(SessionHeartbeat, MessagesDoNotReplaceThePong) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    fire_at_deadline(m, clock);
    clock.advance(100ms);
    m.on_packet({PacketType::message, "hi", false}, Channel::primary, clock.now);
    auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::deliver);
    EXPECT_EQ(actions[0].packet.data, "hi");
    actions = fire_at_deadline(m, clock);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].reason, CloseReason::ping_timeout);
}

TEST(SessionHeartbeat, ClientPingIsATransportError) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.on_packet({PacketType::ping, "", false}, Channel::primary, clock.now);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::close);
    EXPECT_EQ(actions[0].reason, CloseReason::transport_error);
}

TEST(SessionHeartbeat, UnsolicitedPongIsIgnored) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    clock.advance(100ms);
    m.on_packet({PacketType::pong, "", false}, Channel::primary, clock.now);
    EXPECT_TRUE(drain(m).empty());
    EXPECT_EQ(m.next_deadline(), clock.now + 200ms);  // still 300ms after open
}
