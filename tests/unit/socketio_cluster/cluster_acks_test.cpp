// Broadcasts with acks across servers: every recipient's answer with its sid, the count of
// recipients over every server, and the timeout when a server is gone.

#include <algorithm>

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

/// Answers every "poll" EVENT with an ack [sid-specific answer].
void answer_polls(Member& m, const json& answer) {
    for (const auto& p : m.client.of_type(PacketType::event)) {
        if (p.data.at(0) == "poll" && p.id) m.client.ack(*p.id, json::array({answer}));
    }
}

struct ClusterAcks : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Node& b = cluster.add();
    ClusterHarness::Node& c = cluster.add();
};

TEST_F(ClusterAcks, EveryRecipientOnEveryServerAnswersWithItsSid) {
    auto a1 = join(a), b1 = join(b), b2 = join(b, 1), c1 = join(c);
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").broadcast().timeout(5s).emit_args_with_acks(
        "poll", json::array({"q"}), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    EXPECT_FALSE(result) << "no one answered yet";
    for (auto* m : {&a1, &b1, &b2, &c1}) answer_polls(*m, "from " + m->sid);
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec) << result->ec.message();
    EXPECT_EQ(result->expected, 4u);
    ASSERT_EQ(result->acks.size(), 4u);
    for (const auto& ack : result->acks) {
        EXPECT_EQ(ack.args, json::array({"from " + ack.sid}));
    }
    std::vector<std::string> sids;
    for (const auto& ack : result->acks) sids.push_back(ack.sid);
    std::sort(sids.begin(), sids.end());
    std::vector<std::string> want{a1.sid, b1.sid, b2.sid, c1.sid};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(sids, want);
}

TEST_F(ClusterAcks, AnAckFromASidOnAnotherServer) {
    auto b1 = join(b), b2 = join(b);
    std::optional<std::pair<std::error_code, std::vector<json>>> result;
    a.io().to(b2.sid).emit_with_ack("poll", 1, [&](std::error_code ec, std::vector<json> answers) {
        result.emplace(ec, std::move(answers));
    });
    cluster.poll();
    EXPECT_TRUE(b1.client.events("poll").empty());
    answer_polls(b2, "yes");
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->first);
    EXPECT_EQ(result->second, std::vector<json>{json::array({"yes"})});
}

TEST_F(ClusterAcks, ARecipientThatLeavesCountsAsAnswered) {
    auto a1 = join(a), b1 = join(b);
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").broadcast().emit_args_with_acks(
        "poll", json::array(), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    answer_polls(a1, 1);
    b1.client.disconnect();
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec);
    EXPECT_EQ(result->expected, 2u);
    ASSERT_EQ(result->acks.size(), 1u);
    EXPECT_EQ(result->acks[0].sid, a1.sid);
}

TEST_F(ClusterAcks, TimesOutWithTheAnswersSoFarWhenAServerIsGone) {
    auto a1 = join(a), b1 = join(b), c1 = join(c);
    c.driver->simulate_outage();  // c hears nothing: it never reports its recipients
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").broadcast().timeout(300ms).emit_args_with_acks(
        "poll", json::array(), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    answer_polls(a1, "a");
    answer_polls(b1, "b");
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->ec, socketio::error::ack_timeout);
    EXPECT_EQ(result->expected, 2u);  // a's and b's; c never reported
    EXPECT_EQ(result->acks.size(), 2u);
    EXPECT_TRUE(c1.client.events("poll").empty());
}

TEST_F(ClusterAcks, LocalOnlyAsksThisServer) {
    auto a1 = join(a), b1 = join(b);
    std::optional<socketio::BroadcastAcks> result;
    a.io().local().emit_args_with_acks("poll", json::array(),
                                       [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    answer_polls(a1, 1);
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->expected, 1u);
    EXPECT_TRUE(b1.client.events("poll").empty());
}

}  // namespace
}  // namespace sio_test
