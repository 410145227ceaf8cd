// Room changes and disconnects addressed to sockets of other servers: python-socketio's
// enter_room / leave_room / disconnect / close_room, and sockets_join / sockets_leave /
// disconnect_sockets by room.

#include <algorithm>

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

struct ClusterRooms : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Node& b = cluster.add();
};

TEST_F(ClusterRooms, EnterAndLeaveRoomForASidOfAnotherServer) {
    auto b1 = join(b);
    EXPECT_FALSE(a.io().enter_room(b1.sid, "vip"));  // not here: forwarded
    cluster.poll();
    EXPECT_EQ(b.io().rooms(b1.sid), sorted({b1.sid, "vip"}));
    EXPECT_FALSE(a.io().leave_room(b1.sid, "vip"));
    cluster.poll();
    EXPECT_EQ(b.io().rooms(b1.sid), sorted({b1.sid}));
}

TEST_F(ClusterRooms, DisconnectASidOfAnotherServer) {
    auto b1 = join(b), b2 = join(b);
    std::vector<std::string> reasons;
    b.io().on_disconnect([&](socketio::Socket&, socketio::DisconnectReason r) {
        reasons.emplace_back(socketio::to_string(r));
    });
    EXPECT_FALSE(a.io().disconnect(b1.sid));
    cluster.poll();
    EXPECT_EQ(b1.client.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(b2.client.of_type(PacketType::disconnect).empty());
    EXPECT_EQ(reasons, sorted({"server namespace disconnect"}));
}

TEST_F(ClusterRooms, CloseRoomEverywhere) {
    auto a1 = join(a), b1 = join(b);
    a.io().enter_room(a1.sid, "r");
    b.io().enter_room(b1.sid, "r");
    cluster.poll();
    a.io().close_room("r");
    cluster.poll();
    EXPECT_EQ(a.io().rooms(a1.sid), sorted({a1.sid}));
    EXPECT_EQ(b.io().rooms(b1.sid), sorted({b1.sid}));
    a.io().to("r").emit("after");
    cluster.poll();
    EXPECT_TRUE(b1.client.events("after").empty());
}

TEST_F(ClusterRooms, SocketsJoinAndLeaveByRoomAcrossServers) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    a.io().enter_room(a1.sid, "team");
    b.io().enter_room(b1.sid, "team");
    cluster.poll();
    a.io().in("team").sockets_join({"vip", "gold"});
    cluster.poll();
    EXPECT_EQ(b.io().rooms(b1.sid), sorted({b1.sid, "gold", "team", "vip"}));
    EXPECT_EQ(b.io().rooms(b2.sid), sorted({b2.sid}));
    EXPECT_EQ(a.io().rooms(a1.sid), sorted({a1.sid, "gold", "team", "vip"}));
    a.io().of("/").except(a1.sid).sockets_leave({"vip"});
    cluster.poll();
    EXPECT_EQ(b.io().rooms(b1.sid), sorted({b1.sid, "gold", "team"}));
    EXPECT_EQ(a.io().rooms(a1.sid), sorted({a1.sid, "gold", "team", "vip"}));
}

TEST_F(ClusterRooms, DisconnectSocketsByRoomAcrossServers) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    b.io().enter_room(b2.sid, "kick");
    a.io().enter_room(a1.sid, "kick");
    cluster.poll();
    a.io().in("kick").disconnect_sockets(true);
    cluster.poll();
    EXPECT_EQ(b2.client.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(b2.client.session->closed());  // close = true: the connection too
    EXPECT_EQ(a1.client.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(b1.client.of_type(PacketType::disconnect).empty());
    EXPECT_FALSE(b1.client.session->closed());
}

}  // namespace
}  // namespace sio_test
