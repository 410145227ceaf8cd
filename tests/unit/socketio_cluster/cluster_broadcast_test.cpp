// Broadcasts reach the sockets of every server: all, a room, a sid, with except; local() stays.

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

struct ClusterBroadcast : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Node& b = cluster.add();
    ClusterHarness::Node& c = cluster.add();
};

TEST_F(ClusterBroadcast, EmitToAllReachesEveryServerOnce) {
    auto a1 = join(a, 0), a2 = join(a, 1), b1 = join(b), c1 = join(c, 1);
    a.io().emit("news", "hello", 2);
    cluster.poll();
    for (auto* m : {&a1, &a2, &b1, &c1}) {
        ASSERT_EQ(m->client.events("news").size(), 1u) << m->sid;
        EXPECT_EQ(m->client.events("news")[0], json::array({"hello", 2}));
    }
}

TEST_F(ClusterBroadcast, ArgumentsKeepTheirCountAndShape) {
    auto b1 = join(b);
    a.io().emit("none");
    a.io().emit("one", json::array({1, 2}));  // one argument that is a list
    a.io().emit("three", 1, "x", json{{"k", true}});
    cluster.poll();
    EXPECT_EQ(b1.client.events("none").at(0), json::array());
    EXPECT_EQ(b1.client.events("one").at(0), json::array({json::array({1, 2})}));
    EXPECT_EQ(b1.client.events("three").at(0), json::array({1, "x", json{{"k", true}}}));
}

TEST_F(ClusterBroadcast, EmitToARoomReachesItsMembersOnEveryServer) {
    auto a1 = join(a), b1 = join(b), b2 = join(b, 1), c1 = join(c);
    a.io().enter_room(a1.sid, "team");
    b.io().enter_room(b2.sid, "team");
    c.io().enter_room(c1.sid, "other");
    cluster.poll();
    c.io().to("team").emit("msg", 1);
    cluster.poll();
    EXPECT_EQ(a1.client.events("msg").size(), 1u);
    EXPECT_EQ(b2.client.events("msg").size(), 1u);
    EXPECT_TRUE(b1.client.events("msg").empty());
    EXPECT_TRUE(c1.client.events("msg").empty());
}

TEST_F(ClusterBroadcast, EmitToASidOfAnotherServer) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    a.io().to(b2.sid).emit("direct", "x");
    cluster.poll();
    EXPECT_EQ(b2.client.events("direct").size(), 1u);
    EXPECT_TRUE(b1.client.events("direct").empty());
    EXPECT_TRUE(a1.client.events("direct").empty());
}

TEST_F(ClusterBroadcast, ExceptASidOrARoomAcrossServers) {
    auto a1 = join(a), b1 = join(b), b2 = join(b), c1 = join(c);
    c.io().enter_room(c1.sid, "muted");
    cluster.poll();
    a.io().except(b1.sid).except("muted").emit("news");
    cluster.poll();
    EXPECT_EQ(a1.client.events("news").size(), 1u);
    EXPECT_EQ(b2.client.events("news").size(), 1u);
    EXPECT_TRUE(b1.client.events("news").empty());
    EXPECT_TRUE(c1.client.events("news").empty());
}

TEST_F(ClusterBroadcast, SocketBroadcastSkipsTheSenderOnly) {
    auto a1 = join(a), b1 = join(b);
    a.io().on("shout", [](socketio::Socket& s) { s.broadcast().emit("heard", s.sid()); });
    a1.client.emit("shout");
    cluster.poll();
    EXPECT_TRUE(a1.client.events("heard").empty());
    ASSERT_EQ(b1.client.events("heard").size(), 1u);
    EXPECT_EQ(b1.client.events("heard")[0][0], a1.sid);
}

TEST_F(ClusterBroadcast, LocalStaysOnThisServer) {
    auto a1 = join(a), b1 = join(b);
    a.io().local().emit("here");
    cluster.poll();
    EXPECT_EQ(a1.client.events("here").size(), 1u);
    EXPECT_TRUE(b1.client.events("here").empty());
}

TEST_F(ClusterBroadcast, OtherNamespacesAreNotReached) {
    a.io().of("/chat");
    b.io().of("/chat");
    auto b_root = join(b);
    auto b_chat = join(b, 0, "/chat");
    a.io().of("/chat").emit("chat-only");
    cluster.poll();
    EXPECT_EQ(b_chat.client.events("chat-only", "/chat").size(), 1u);
    EXPECT_TRUE(b_root.client.events("chat-only").empty());
}

}  // namespace
}  // namespace sio_test
