// Several clients of one server: rooms, broadcasts, and the server's room API by sid.

#include <algorithm>

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

namespace {
void install_rooms(socketio::Server& io) {
    io.on("join", [](socketio::Socket& s, const std::string& room) { s.join(room); });
    io.on("say", [](socketio::Socket& s, const std::string& room, const json& text) {
        s.to(room).emit("said", s.sid(), text);
    });
    io.on("shout",
          [](socketio::Socket& s, const json& text) { s.broadcast().emit("shouted", text); });
}
std::vector<std::string> names(const std::vector<socketio::testing::ReceivedEvent>& events) {
    std::vector<std::string> result;
    for (const auto& e : events) result.push_back(e.name);
    return result;
}
}  // namespace

TEST(Rooms, ClientsSeeEachOthersRoomMessages) {
    socketio::Server io;  // one loop per core: the clients land on different loops when there are 2
    install_rooms(io);
    TestClient ann{io}, bob{io}, cid{io};
    ASSERT_TRUE(ann.connect());
    ASSERT_TRUE(bob.connect());
    ASSERT_TRUE(cid.connect());
    ann.emit("join", "lobby");
    bob.emit("join", "lobby");

    ann.emit("say", "lobby", "hello");
    auto to_bob = bob.get_received();
    ASSERT_EQ(to_bob.size(), 1u);
    EXPECT_EQ(to_bob[0].name, "said");
    EXPECT_EQ(to_bob[0].args, json::array({ann.sid(), "hello"}));
    EXPECT_TRUE(ann.get_received().empty());  // to(room) skips the sender
    EXPECT_TRUE(cid.get_received().empty());  // not in the room
}

TEST(Rooms, BroadcastReachesEveryoneButTheSender) {
    socketio::Server io;
    install_rooms(io);
    TestClient ann{io}, bob{io}, cid{io};
    ASSERT_TRUE(ann.connect() && bob.connect() && cid.connect());
    ann.emit("shout", "hey");
    EXPECT_TRUE(ann.get_received().empty());
    EXPECT_EQ(names(bob.get_received()), std::vector<std::string>{"shouted"});
    EXPECT_EQ(names(cid.get_received()), std::vector<std::string>{"shouted"});
}

TEST(Rooms, ServerRoomApiBySid) {
    socketio::Server io;
    install_rooms(io);
    TestClient ann{io}, bob{io};
    ASSERT_TRUE(ann.connect() && bob.connect());
    const std::string sid = ann.sid();

    EXPECT_TRUE(io.enter_room(sid, "vip"));
    ann.run_until_idle();
    auto rooms = io.rooms(sid);
    std::sort(rooms.begin(), rooms.end());
    std::vector<std::string> expected{sid, "vip"};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(rooms, expected);

    io.to("vip").emit("perk", 1);
    EXPECT_EQ(names(ann.get_received()), std::vector<std::string>{"perk"});
    EXPECT_TRUE(bob.get_received().empty());

    EXPECT_TRUE(io.leave_room(sid, "vip"));
    ann.run_until_idle();
    io.to("vip").emit("perk", 2);
    EXPECT_TRUE(ann.get_received().empty());
}

TEST(Rooms, ClientsOnExplicitLoopsStillMeet) {
    socketio::Server io{{.engine = {.threads = 2}}};
    install_rooms(io);
    TestClient ann{io, {.loop = 0}}, bob{io, {.loop = 1}};
    ASSERT_TRUE(ann.connect() && bob.connect());
    ann.emit("join", "r");
    bob.emit("join", "r");
    bob.emit("say", "r", "across loops");
    auto received = ann.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].args, json::array({bob.sid(), "across loops"}));
}
