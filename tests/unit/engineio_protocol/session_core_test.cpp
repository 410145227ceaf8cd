// SessionCore: the polling and queue rules of a session, driven with a fake clock and no I/O.
#include <gtest/gtest.h>

#include "engineio/protocol/session_core.hpp"
#include "session_test_support.hpp"

using namespace engineio::protocol;
using namespace engineio::protocol::testing;
using EKind = Effect::Kind;

namespace {

SessionCore::Config core_config() {
    return {.machine = test_config(),
            .max_queue_bytes = 100,
            .max_queue_packets = 4,
            .close_linger = 500ms};
}

OutPacket message(std::string text) {
    return OutPacket{PacketType::message, std::make_shared<const std::string>(std::move(text)),
                     false};
}

std::vector<Effect> take(SessionCore& s) {
    std::vector<Effect> out = std::move(s.effects());
    s.effects().clear();
    return out;
}

/// The kinds of `effects`, in order.
std::vector<EKind> kinds(const std::vector<Effect>& effects) {
    std::vector<EKind> out;
    for (const Effect& e : effects) out.push_back(e.kind);
    return out;
}

/// The answers among `effects`, as "slot:body" or "slot:!error".
std::vector<std::string> answers(const std::vector<Effect>& effects) {
    std::vector<std::string> out;
    for (const Effect& e : effects) {
        if (e.kind != EKind::answer) continue;
        const char* slot = e.slot == HttpSlot::held_get        ? "held"
                           : e.slot == HttpSlot::incoming_post ? "post"
                           : e.slot == HttpSlot::held_post     ? "heldpost"
                                                               : "get";
        out.push_back(std::string(slot) + ":" +
                      (e.error ? "!" + engineio::make_error_code(*e.error).message() : e.body));
    }
    return out;
}

const Effect* find(const std::vector<Effect>& effects, EKind kind) {
    for (const Effect& e : effects) {
        if (e.kind == kind) return &e;
    }
    return nullptr;
}

struct PollingSession : ::testing::Test {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, false};
};

}  // namespace

TEST_F(PollingSession, GetWithNothingQueuedIsHeldUntilAPacketIsSent) {
    s.on_get(clock.now);
    EXPECT_EQ(kinds(take(s)), std::vector{EKind::hold_get});
    s.send(message("hi"), clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"held:4hi"});
}

TEST_F(PollingSession, QueuedPacketsGoOutTogetherInOneResponse) {
    s.send(message("a"), clock.now);
    s.send(message("b"), clock.now);
    EXPECT_TRUE(take(s).empty());
    s.on_get(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"held:4a\x1e"
                                                         "4b"});
    EXPECT_EQ(s.queued_packets(), 0u);
}

TEST_F(PollingSession, SecondGetWhileOneIsHeldIsRefusedAndClosesTheSession) {
    s.on_get(clock.now);
    take(s);
    s.on_get(clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), (std::vector<std::string>{"get:!Bad request", "held:1"}));
    const Effect* closed = find(effects, EKind::closed);
    ASSERT_NE(closed, nullptr);
    EXPECT_EQ(closed->reason, CloseReason::transport_error);
    EXPECT_NE(find(effects, EKind::forget), nullptr);
}

TEST_F(PollingSession, CancelledHeldGetClosesTheSessionAtOnce) {
    s.on_get(clock.now);
    take(s);
    s.on_get_aborted(clock.now);
    const auto effects = take(s);
    EXPECT_TRUE(answers(effects).empty());  // its connection is gone
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::transport_error);
    EXPECT_NE(find(effects, EKind::forget), nullptr);
}

TEST_F(PollingSession, OfTwoOverlappingGetsTheOneThatArrivedFirstGetsTheClose) {
    // The GET sent second reached the session first (the first came from another loop).
    s.on_get(clock.now, clock.now + 5ms);
    take(s);
    s.on_get(clock.now + 6ms, clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), (std::vector<std::string>{"held:!Bad request", "held:1"}));
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::transport_error);
}

TEST_F(PollingSession, PostIsAnsweredOkAndItsMessagesDelivered) {
    s.on_post(
        "4one\x1e"
        "4two",
        clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"post:ok"});
    std::vector<std::string> delivered;
    for (const Effect& e : effects) {
        if (e.kind == EKind::deliver) delivered.push_back(e.packet.data);
    }
    EXPECT_EQ(delivered, (std::vector<std::string>{"one", "two"}));
}

TEST_F(PollingSession, InvalidPostIsRefusedWithBadRequestAndClosesWithParseError) {
    s.on_post("9nope", clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"post:!Bad request"});
    ASSERT_NE(find(effects, EKind::closed), nullptr);
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::parse_error);
}

TEST_F(PollingSession, PostOverMaxPayloadIsRefusedWith413AndClosesTheSession) {
    s.on_post(std::string(1001, '4'), clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"post:!Payload too large"});
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::transport_error);
}

TEST_F(PollingSession, ClientCloseWithAGetHeldAnswersItNoopAndForgetsTheSession) {
    s.on_get(clock.now);
    take(s);
    s.on_post("1", clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), (std::vector<std::string>{"post:ok", "held:6"}));
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::client_close);
    EXPECT_NE(find(effects, EKind::forget), nullptr);
    EXPECT_EQ(find(effects, EKind::fence), nullptr);  // nothing to wait for
}

TEST_F(PollingSession, ClientCloseWithNoGetHeldWaitsForAFenceSoAnEarlierGetIsAnsweredNoop) {
    // The GET was sent first but reached the session after the POST (another event loop).
    s.on_post("1", clock.now);
    auto effects = take(s);
    EXPECT_EQ(kinds(effects), (std::vector{EKind::hold_post, EKind::fence}));
    EXPECT_FALSE(s.closed());

    s.on_get(clock.now);
    EXPECT_EQ(kinds(take(s)), std::vector{EKind::hold_get});

    s.on_fence_passed(clock.now);
    effects = take(s);
    // The POST is answered once its CLOSE took effect.
    EXPECT_EQ(answers(effects), (std::vector<std::string>{"held:6", "heldpost:ok"}));
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::client_close);

    // A GET after the close finds no session.
    s.on_get(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"get:!Session ID unknown"});
}

TEST_F(PollingSession, PacketsPostedDuringAFenceWaitBehindTheFencedOnes) {
    s.on_post(
        "4a\x1e"
        "1",
        clock.now);
    take(s);
    s.on_post("4b", clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"post:ok"});
    s.on_fence_passed(clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"heldpost:ok"});
    std::vector<std::string> delivered;
    for (const Effect& e : effects) {
        if (e.kind == EKind::deliver) delivered.push_back(e.packet.data);
    }
    EXPECT_EQ(delivered, std::vector<std::string>{"a"});  // "b" came after the CLOSE
    EXPECT_TRUE(s.closed());
}

TEST_F(PollingSession, ShutdownDuringAFenceAnswersTheHeldPost) {
    s.on_post("1", clock.now);
    take(s);
    s.shutdown(clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"heldpost:ok"});
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::server_shutdown);
}

TEST_F(PollingSession, ServerCloseWithNothingQueuedAnswersTheHeldGetWithClose) {
    s.on_get(clock.now);
    take(s);
    s.close(CloseReason::server_close, clock.now);
    const auto effects = take(s);
    // A server close queues CLOSE (SessionMachine: polite close); it goes out alone.
    EXPECT_EQ(answers(effects), std::vector<std::string>{"held:1"});
    EXPECT_NE(find(effects, EKind::forget), nullptr);
}

TEST_F(PollingSession, ServerCloseSendsTheQueueFirstAndTheCloseAloneToTheNextGet) {
    s.send(message("bye"), clock.now);
    s.close(CloseReason::server_close, clock.now);
    auto effects = take(s);
    EXPECT_NE(find(effects, EKind::closed), nullptr);
    EXPECT_EQ(find(effects, EKind::forget), nullptr);  // lingers for the GETs
    EXPECT_EQ(s.next_deadline(), clock.now + 500ms);

    s.on_get(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"get:4bye"});
    s.on_get(clock.now);
    effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"get:1"});
    EXPECT_NE(find(effects, EKind::forget), nullptr);
}

TEST_F(PollingSession, ASessionClosedByTheServerIsForgottenAfterTheLingerIfNoGetComes) {
    s.send(message("bye"), clock.now);
    s.close(CloseReason::server_close, clock.now);
    take(s);
    clock.advance(499ms);
    s.on_timer(clock.now);
    EXPECT_TRUE(take(s).empty());
    clock.advance(1ms);
    s.on_timer(clock.now);
    EXPECT_EQ(kinds(take(s)), std::vector{EKind::forget});
    EXPECT_FALSE(s.next_deadline());
}

TEST_F(PollingSession, ShutdownForgetsALingeringSessionAtOnce) {
    s.send(message("bye"), clock.now);
    s.close(CloseReason::server_close, clock.now);
    take(s);
    s.shutdown(clock.now);
    EXPECT_EQ(kinds(take(s)), std::vector{EKind::forget});
}

TEST_F(PollingSession, ShutdownAnswersTheHeldGetWithTheQueueAndClose) {
    s.on_get(clock.now);
    take(s);
    s.shutdown(clock.now);
    const auto effects = take(s);
    EXPECT_EQ(answers(effects), std::vector<std::string>{"held:1"});
    EXPECT_EQ(find(effects, EKind::closed)->reason, CloseReason::server_shutdown);
}

TEST_F(PollingSession, QueueOverItsBoundClosesWithSendQueueFull) {
    for (int i = 0; i < 4; ++i) s.send(message("x"), clock.now);
    EXPECT_FALSE(s.closed());
    s.send(message("x"), clock.now);
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(find(take(s), EKind::closed)->reason, CloseReason::send_queue_full);
}

TEST_F(PollingSession, QueueOverItsByteBoundClosesWithSendQueueFull) {
    s.send(message(std::string(99, 'x')), clock.now);
    EXPECT_FALSE(s.closed());
    s.send(message("y"), clock.now);
    EXPECT_TRUE(s.closed());
}

TEST_F(PollingSession, PingGoesOutThroughTheHeldGet) {
    s.on_get(clock.now);
    take(s);
    clock.now = *s.next_deadline();
    s.on_timer(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"held:2"});
}

TEST_F(PollingSession, PostOrGetAfterTheClientClosedGetsUnknownSid) {
    s.on_get(clock.now);
    s.on_post("1", clock.now);
    take(s);
    s.on_post("4x", clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"post:!Session ID unknown"});
}

// --- upgrade ------------------------------------------------------------------------------------

struct UpgradingSession : PollingSession {
    void probe() {
        ASSERT_TRUE(s.on_probe_attached(clock.now));
        s.on_ws_packet({PacketType::ping, "probe", false}, Channel::probe, clock.now);
    }
};

TEST_F(UpgradingSession, ProbeIsAnsweredAndAHeldGetReleasedWithNoop) {
    s.on_get(clock.now);
    take(s);
    probe();
    const auto effects = take(s);
    const Effect* write = find(effects, EKind::write_ws);
    ASSERT_NE(write, nullptr);
    EXPECT_EQ(write->channel, Channel::probe);
    EXPECT_EQ(write->packets.at(0).type, PacketType::pong);
    EXPECT_EQ(*write->packets.at(0).data, "probe");
    EXPECT_EQ(answers(effects), std::vector<std::string>{"held:6"});
}

TEST_F(UpgradingSession, GetWhileProbedWaitsForAFenceThenGetsNoop) {
    probe();
    take(s);
    s.on_get(clock.now);
    auto effects = take(s);
    EXPECT_TRUE(answers(effects).empty());
    EXPECT_NE(find(effects, EKind::fence), nullptr);
    s.on_fence_passed(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"held:6"});
}

TEST_F(UpgradingSession, GetWhoseUpgradeCompletedDuringTheFenceGets400) {
    probe();
    take(s);
    s.on_get(clock.now);
    take(s);
    // The UPGRADE, sent before that GET, arrives from the WebSocket's loop.
    s.on_ws_packet({PacketType::upgrade, "", false}, Channel::probe, clock.now);
    auto effects = take(s);
    EXPECT_NE(find(effects, EKind::upgrade_complete), nullptr);
    EXPECT_TRUE(answers(effects).empty());  // the fenced GET is not released with NOOP
    s.on_fence_passed(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"held:!Bad request"});
    EXPECT_FALSE(s.closed());
}

TEST_F(UpgradingSession, AfterTheUpgradeQueuedPacketsGoToTheWebSocketOneWriteAtATime) {
    s.on_get(clock.now);
    probe();
    s.on_ws_packet({PacketType::upgrade, "", false}, Channel::probe, clock.now);
    take(s);
    EXPECT_TRUE(s.on_websocket());
    s.send(message("a"), clock.now);
    auto effects = take(s);
    ASSERT_EQ(kinds(effects), std::vector{EKind::write_ws});
    EXPECT_EQ(effects[0].channel, Channel::primary);
    s.send(message("b"), clock.now);
    s.send(message("c"), clock.now);
    EXPECT_TRUE(take(s).empty());  // one write in flight
    s.on_ws_write_done(true, clock.now);
    effects = take(s);
    ASSERT_EQ(kinds(effects), std::vector{EKind::write_ws});
    EXPECT_EQ(effects[0].packets.size(), 2u);  // gathered
    // A GET for a WebSocket session is a bad request (the session stays).
    s.on_get(clock.now);
    EXPECT_EQ(answers(take(s)), std::vector<std::string>{"get:!Bad request"});
    EXPECT_FALSE(s.closed());
}

TEST_F(UpgradingSession, SecondProbeIsRefused) {
    probe();
    EXPECT_FALSE(s.on_probe_attached(clock.now));
}

// --- WebSocket ----------------------------------------------------------------------------------

TEST(WebSocketSession, OpenGoesFirstThenWhatWasQueued) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    s.send(message("early"), clock.now);
    EXPECT_TRUE(s.effects().empty());  // no transport yet
    s.on_ws_opened(R"({"sid":"x"})", clock.now);
    const auto effects = take(s);
    ASSERT_EQ(kinds(effects), std::vector{EKind::write_ws});
    ASSERT_EQ(effects[0].packets.size(), 2u);
    EXPECT_EQ(effects[0].packets[0].type, PacketType::open);
    EXPECT_EQ(*effects[0].packets[1].data, "early");
}

TEST(WebSocketSession, ServerCloseWritesCloseAfterTheQueueThenClosesTheWebSocket) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    s.on_ws_opened("{}", clock.now);
    take(s);  // the OPEN write is in flight
    s.send(message("last"), clock.now);
    s.close(CloseReason::server_close, clock.now);
    const auto effects = take(s);
    ASSERT_EQ(kinds(effects),
              (std::vector{EKind::write_ws, EKind::close_ws, EKind::closed, EKind::forget}));
    ASSERT_EQ(effects[0].packets.size(), 2u);
    EXPECT_EQ(*effects[0].packets[0].data, "last");
    EXPECT_EQ(effects[0].packets[1].type, PacketType::close);
    EXPECT_FALSE(effects[1].going_away);
}

TEST(WebSocketSession, ShutdownClosesWithGoingAway) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    s.on_ws_opened("{}", clock.now);
    take(s);
    s.shutdown(clock.now);
    const auto effects = take(s);  // find() points into it: it must outlive `close`
    const Effect* close = find(effects, EKind::close_ws);
    ASSERT_NE(close, nullptr);
    EXPECT_TRUE(close->going_away);
}

TEST(WebSocketSession, DirectWriteOnlyWhenNothingIsQueuedOrInFlight) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    EXPECT_FALSE(s.take_direct_write(message("x")));  // no WebSocket yet
    s.on_ws_opened("{}", clock.now);
    take(s);                                          // the OPEN write is in flight
    EXPECT_FALSE(s.take_direct_write(message("x")));  // behind it
    s.on_ws_write_done(true, clock.now);
    EXPECT_TRUE(take(s).empty());
    // Idle: the caller writes it, and that write is now the one in flight.
    EXPECT_TRUE(s.take_direct_write(message("direct")));
    EXPECT_TRUE(s.effects().empty());
    EXPECT_FALSE(s.take_direct_write(message("y")));
    s.send(message("queued"), clock.now);
    EXPECT_TRUE(take(s).empty());  // waits for the direct write
    s.on_ws_write_done(true, clock.now);
    auto effects = take(s);
    ASSERT_EQ(kinds(effects), std::vector{EKind::write_ws});
    ASSERT_EQ(effects[0].packets.size(), 1u);
    EXPECT_EQ(*effects[0].packets[0].data, "queued");
}

TEST(WebSocketSession, DirectWriteKeepsTheQueueBoundsAndTheClose) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    s.on_ws_opened("{}", clock.now);
    take(s);
    s.on_ws_write_done(true, clock.now);
    // Over max_queue_bytes on its own: not direct, and send() closes as for any message.
    const OutPacket big = message(std::string(200, 'x'));
    EXPECT_FALSE(s.take_direct_write(big));
    s.send(big, clock.now);
    EXPECT_EQ(find(take(s), EKind::closed)->reason, CloseReason::send_queue_full);
    EXPECT_FALSE(s.take_direct_write(message("after")));  // closed
}

TEST(WebSocketSession, FailedWriteClosesWithTransportError) {
    FakeClock clock;
    SessionCore s{core_config(), clock.now, true};
    s.on_ws_opened("{}", clock.now);
    take(s);
    s.on_ws_write_done(false, clock.now);
    EXPECT_EQ(find(take(s), EKind::closed)->reason, CloseReason::transport_error);
}
