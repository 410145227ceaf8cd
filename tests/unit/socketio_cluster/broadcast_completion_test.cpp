// The completion of a broadcast: it runs once every event loop has queued the packet to its
// recipients, so an ack sent from it reaches its client after every local recipient has the
// broadcast in its send queue.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

TEST(BroadcastCompletion, RunsAfterEveryLoopQueuedThePacket) {
    Harness h({}, 3);
    auto c0 = h.connected("/", 0), c1 = h.connected("/", 1), c2 = h.connected("/", 2);
    int completions = 0;
    std::size_t queued_when_done = 0;
    h.io->of("/").broadcast().emit_args("news", json::array({1}), [&] {
        ++completions;
        for (auto* c : {&c0, &c1, &c2}) {
            for (const auto& m : c->session->sent()) {
                if (m.data().find("news") != std::string::npos) ++queued_when_done;
            }
        }
    });
    h.poll();
    EXPECT_EQ(completions, 1);
    EXPECT_EQ(queued_when_done, 3u);
}

TEST(BroadcastCompletion, AnAckSentFromItFollowsTheBroadcast) {
    Harness h({}, 2);
    auto sender = h.connected("/", 0), other = h.connected("/", 1);
    h.io->on("relay", [](socketio::Socket& s, json msg, socketio::Responder respond) {
        s.broadcast().emit_args("relayed", json::array({msg}), [respond] { respond("done"); });
    });
    sender.emit("relay", json::array({"m"}), "/", 7);
    h.poll();
    EXPECT_EQ(other.events("relayed").size(), 1u);
    auto acks = sender.of_type(PacketType::ack);
    ASSERT_EQ(acks.size(), 1u);
    EXPECT_EQ(acks[0].data, json::array({"done"}));
}

TEST(BroadcastCompletion, CoroutineFormResumesOnceQueued) {
    Harness h({}, 2);
    auto c0 = h.connected("/", 0), c1 = h.connected("/", 1);
    bool resumed = false;
    std::size_t c1_had = 0;
    boost::asio::co_spawn(
        h.loop(0),
        [&]() -> boost::asio::awaitable<void> {
            auto everyone = h.io->of("/").broadcast();  // named: see cluster_queries_test
            co_await everyone.co_emit("tick", 1);
            resumed = true;
            c1_had = c1.session->sent().size();
        },
        boost::asio::detached);
    h.poll();
    EXPECT_TRUE(resumed);
    EXPECT_GE(c1_had, 2u);  // its CONNECT and the tick
    EXPECT_EQ(c1.events("tick").size(), 1u);
}

TEST(BroadcastCompletion, WithAClusterItRunsForTheLocalHalf) {
    ClusterHarness cluster;
    auto& a = cluster.add();
    cluster.add();
    auto a1 = join(a);
    int completions = 0;
    a.io().of("/").broadcast().emit_args("x", json::array(), [&] { ++completions; });
    cluster.poll();
    EXPECT_EQ(completions, 1);
    EXPECT_EQ(a1.client.events("x").size(), 1u);
}

}  // namespace
}  // namespace sio_test
