#include <gtest/gtest.h>

#include "session_test_support.hpp"

using namespace engineio::protocol;
using namespace engineio::protocol::testing;

TEST(SessionClose, ClientCloseEndsSessionWithoutCloseReply) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.on_packet({PacketType::close, "", false}, Channel::primary, clock.now);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].kind, Kind::close);
    EXPECT_EQ(actions[0].reason, CloseReason::client_close);
    EXPECT_FALSE(actions[0].send_close_packet);
    EXPECT_TRUE(m.closed());
}

TEST(SessionClose, ServerCloseSendsCloseAndHappensOnce) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.close(CloseReason::server_close);
    m.close(CloseReason::server_shutdown);
    m.on_transport_closed(Channel::primary, false);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].reason, CloseReason::server_close);
    EXPECT_TRUE(actions[0].send_close_packet);
}

TEST(SessionClose, ShutdownSendsClosePacket) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.close(CloseReason::server_shutdown);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_TRUE(actions[0].send_close_packet);
}

TEST(SessionClose, SendQueueFullClosesWithoutClosePacket) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.close(CloseReason::send_queue_full);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].reason, CloseReason::send_queue_full);
    EXPECT_FALSE(actions[0].send_close_packet);
}

TEST(SessionClose, InvalidPacketIsAParseError) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.on_invalid_packet(Channel::primary);
    const auto actions = drain(m);
    ASSERT_EQ(actions.size(), 1u);
    EXPECT_EQ(actions[0].reason, CloseReason::parse_error);
}

TEST(SessionClose, TransportCloseAndErrorAreDistinguished) {
    FakeClock clock;
    SessionMachine closed_by_peer(test_config(), clock.now);
    closed_by_peer.on_transport_closed(Channel::primary, false);
    EXPECT_EQ(drain(closed_by_peer).at(0).reason, CloseReason::transport_close);

    SessionMachine failed(test_config(), clock.now);
    failed.on_transport_closed(Channel::primary, true);
    EXPECT_EQ(drain(failed).at(0).reason, CloseReason::transport_error);
}

TEST(SessionClose, NothingHappensAfterClose) {
    FakeClock clock;
    SessionMachine m(test_config(), clock.now);
    m.close(CloseReason::server_close);
    drain(m);
    m.on_packet({PacketType::message, "late", false}, Channel::primary, clock.now);
    clock.advance(10'000ms);
    m.on_timer(clock.now);
    EXPECT_TRUE(drain(m).empty());
    EXPECT_FALSE(m.on_probe_attached(clock.now));
}
