// Server-to-client acks: callbacks, timeouts, disconnects, the pending bound, the awaitable form,
// and broadcasts with acks.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "harness.hpp"

namespace sio_test {
namespace {

/// The EVENT packets named `event` with their ack ids.
std::vector<Packet> event_packets(FakeClient& c, const std::string& event) {
    std::vector<Packet> result;
    for (const auto& p : c.packets()) {
        if (p.type == PacketType::event && p.data.at(0) == event) result.push_back(p);
    }
    return result;
}

TEST(Acks, EmitWithAckGetsClientArguments) {
    Harness h;
    auto c = h.connected();
    auto socket = h.io->socket(c.sid());
    ASSERT_TRUE(socket);
    std::optional<std::error_code> ec;
    json args;
    socket->emit_with_ack("question", "life?", [&](std::error_code e, json a) {
        ec = e;
        args = a;
    });
    h.poll();
    auto sent = event_packets(c, "question");
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(sent[0].id);
    EXPECT_EQ(sent[0].data, json({"question", "life?"}));
    EXPECT_FALSE(ec);  // not yet
    c.ack(*sent[0].id, {42, "yes"});
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_FALSE(*ec);
    EXPECT_EQ(args, json({42, "yes"}));
}

TEST(Acks, AckIdsAreDistinct) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::vector<json> answers(2);
    socket.emit_with_ack("q", 0, [&](std::error_code, json a) { answers[0] = a; });
    socket.emit_with_ack("q", 1, [&](std::error_code, json a) { answers[1] = a; });
    h.poll();
    auto sent = event_packets(c, "q");
    ASSERT_EQ(sent.size(), 2u);
    ASSERT_NE(sent[0].id, sent[1].id);
    c.ack(*sent[1].id, {"second"});
    c.ack(*sent[0].id, {"first"});
    h.poll();
    EXPECT_EQ(answers[0], json({"first"}));
    EXPECT_EQ(answers[1], json({"second"}));
}

TEST(Acks, TimeoutReportsAckTimeout) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::optional<std::error_code> ec;
    socket.timeout(30ms).emit_with_ack("q", [&](std::error_code e, json) { ec = e; });
    EXPECT_TRUE(h.poll_until([&] { return ec.has_value(); }));
    EXPECT_EQ(*ec, socketio::error::ack_timeout);
    // A late ack is ignored.
    auto sent = event_packets(c, "q");
    ASSERT_EQ(sent.size(), 1u);
    c.ack(*sent[0].id, {1});
    h.poll();
    EXPECT_FALSE(c.session->closed());
}

// An ack callback is the server's code, run on the socket's loop: whatever it throws (on the ack,
// the timeout or the disconnect) is logged, never thrown out of the event loop.
TEST(Acks, ThrowingAckCallbacksStayOffTheLoop) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    int calls = 0;
    auto thrower = [&](std::error_code, json) {
        ++calls;
        throw std::runtime_error("ack callback bug");
    };
    socket.emit_with_ack("answered", thrower);
    socket.timeout(20ms).emit_with_ack("timed-out", thrower);
    socket.emit_with_ack("disconnected", thrower);
    h.poll();
    c.ack(*event_packets(c, "answered")[0].id, {1});
    ASSERT_NO_THROW(h.poll_until([&] { return calls == 2; }));
    c.disconnect();
    ASSERT_NO_THROW(h.poll());
    EXPECT_EQ(calls, 3);
    socket.emit_with_ack("after", thrower);  // not connected: socket_disconnected at once
    ASSERT_NO_THROW(h.poll());
    EXPECT_EQ(calls, 4);
}

TEST(Acks, AckBeforeTimeoutWins) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    int calls = 0;
    std::error_code ec;
    socket.timeout(100ms).emit_with_ack("q", [&](std::error_code e, json) {
        ++calls;
        ec = e;
    });
    h.poll();
    c.ack(*event_packets(c, "q")[0].id, {"ok"});
    h.poll();
    std::this_thread::sleep_for(150ms);
    h.poll();
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(ec);
}

TEST(Acks, DisconnectFailsPendingAcks) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::optional<std::error_code> ec;
    socket.emit_with_ack("q", [&](std::error_code e, json) { ec = e; });
    h.poll();
    c.disconnect();
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_EQ(*ec, socketio::error::socket_disconnected);
    // An emit with ack to a disconnected socket fails at once.
    std::optional<std::error_code> later;
    socket.emit_with_ack("q", [&](std::error_code e, json) { later = e; });
    h.poll();
    ASSERT_TRUE(later);
    EXPECT_EQ(*later, socketio::error::socket_disconnected);
}

TEST(Acks, PendingAcksAreBounded) {
    Harness h({.limits = {.max_pending_acks = 3}});
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::vector<std::error_code> results;
    for (int i = 0; i < 5; ++i) {
        socket.emit_with_ack("q", [&](std::error_code e, json) { results.push_back(e); });
    }
    h.poll();
    ASSERT_EQ(results.size(), 2u);  // the two over the bound fail at once
    EXPECT_EQ(results[0], socketio::error::too_many_pending_acks);
    EXPECT_EQ(event_packets(c, "q").size(), 3u);
}

TEST(Acks, AwaitableForm) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::optional<socketio::AckResult> result;
    boost::asio::co_spawn(
        h.loop(1),
        [&]() -> boost::asio::awaitable<void> {
            result = co_await socket.emit_with_ack("q", 1, "two");
        },
        boost::asio::detached);
    h.poll();
    auto sent = event_packets(c, "q");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].data, json({"q", 1, "two"}));
    c.ack(*sent[0].id, {"done"});
    EXPECT_TRUE(h.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->args, json({"done"}));
}

TEST(Acks, AwaitableFormTimesOut) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::optional<socketio::AckResult> result;
    boost::asio::co_spawn(
        h.loop(0),
        [&]() -> boost::asio::awaitable<void> {
            result = co_await socket.timeout(20ms).emit_with_ack("q");
        },
        boost::asio::detached);
    EXPECT_TRUE(h.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->ec, socketio::error::ack_timeout);
}

TEST(Acks, BroadcastWithAckCollectsEveryResponse) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    std::optional<std::error_code> ec;
    std::vector<json> responses;
    h.io->timeout(5s).emit_with_ack("poll", "q", [&](std::error_code e, std::vector<json> r) {
        ec = e;
        responses = std::move(r);
    });
    h.poll();
    auto pa = event_packets(a, "poll");
    auto pb = event_packets(b, "poll");
    ASSERT_EQ(pa.size(), 1u);
    ASSERT_EQ(pb.size(), 1u);
    EXPECT_EQ(pa[0].id, pb[0].id);  // one id for every recipient
    a.ack(*pa[0].id, {"a"});
    h.poll();
    EXPECT_FALSE(ec);
    b.ack(*pb[0].id, {"b"});
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_FALSE(*ec);
    ASSERT_EQ(responses.size(), 2u);
    EXPECT_TRUE((responses[0] == json({"a"}) && responses[1] == json({"b"})) ||
                (responses[0] == json({"b"}) && responses[1] == json({"a"})));
}

TEST(Acks, BroadcastWithAckTimesOutWithPartialResponses) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    std::optional<std::error_code> ec;
    std::vector<json> responses;
    h.io->timeout(50ms).emit_with_ack("poll", [&](std::error_code e, std::vector<json> r) {
        ec = e;
        responses = std::move(r);
    });
    h.poll();
    a.ack(*event_packets(a, "poll")[0].id, {"a"});
    EXPECT_TRUE(h.poll_until([&] { return ec.has_value(); }));
    EXPECT_EQ(*ec, socketio::error::ack_timeout);
    EXPECT_EQ(responses, std::vector<json>{json({"a"})});
}

TEST(Acks, ThrowingBroadcastAckCallbackStaysOffTheLoop) {
    Harness h;
    auto a = h.connected("/", 0);
    int calls = 0;
    h.io->timeout(20ms).emit_with_ack("poll", [&](std::error_code, std::vector<json>) {
        ++calls;
        throw std::runtime_error("broadcast ack callback bug");
    });
    ASSERT_NO_THROW(h.poll_until([&] { return calls == 1; }));  // the timeout path
    EXPECT_EQ(calls, 1);
}

TEST(Acks, BroadcastWithAckCompletesWhenARecipientLeaves) {
    Harness h;
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    std::optional<std::error_code> ec;
    std::vector<json> responses;
    h.io->of("/").broadcast().emit_with_ack("poll", [&](std::error_code e, std::vector<json> r) {
        ec = e;
        responses = std::move(r);
    });
    h.poll();
    a.ack(*event_packets(a, "poll")[0].id, {"a"});
    b.disconnect();
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_FALSE(*ec);
    EXPECT_EQ(responses, std::vector<json>{json({"a"})});
}

TEST(Acks, BroadcastWithAckToNobodyCompletesAtOnce) {
    Harness h;
    std::optional<std::error_code> ec;
    h.io->to("empty-room").emit_with_ack("poll", [&](std::error_code e, std::vector<json> r) {
        ec = e;
        EXPECT_TRUE(r.empty());
    });
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_FALSE(*ec);
}

}  // namespace
}  // namespace sio_test
