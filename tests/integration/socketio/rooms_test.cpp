// Rooms: join/leave, broadcasts to rooms, several rooms, the namespace, with exceptions and
// socket.to() (sender excluded), close_room, rooms(sid), and rooms cleaned up on disconnect.
// Several clients in one script check that each broadcast reaches exactly the right sockets.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Rooms : public ::testing::TestWithParam<Mode> {};

TEST_P(Rooms, JoinAndLeave) {
    ScenarioServer server;
    auto result = server.node("rooms", "membership", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Rooms, BroadcastsReachExactlyTheAddressedSockets) {
    ScenarioServer server;
    auto result = server.node("rooms", "broadcasts", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Rooms, CloseRoomEmptiesIt) {
    ScenarioServer server;
    auto result = server.node("rooms", "close_room", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.io().of("/").sockets("r").empty());
}

TEST_P(Rooms, DisconnectLeavesEveryRoom) {
    ScenarioServer server;
    auto result = server.node("rooms", "cleanup", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported(result, "sids");
    ASSERT_EQ(sids.size(), 1u);
    std::string a = sids[0]["a"];
    std::string b = sids[0]["b"];
    EXPECT_TRUE(server.wait_for_disconnect(a));
    EXPECT_TRUE(server.wait_for_disconnect(b));
    EXPECT_TRUE(server.io().rooms(a).empty());
    EXPECT_TRUE(server.io().rooms(b).empty());
    EXPECT_TRUE(server.io().of("/").sockets("r").empty());
    EXPECT_TRUE(server.io().of("/").sockets().empty());
}

TEST(RoomsByServerApi, EnterLeaveAndRoomsBySid) {
    ScenarioServer server;
    // No client: the server API on an unknown sid.
    EXPECT_FALSE(server.io().enter_room("no-such-sid", "r"));
    EXPECT_FALSE(server.io().leave_room("no-such-sid", "r"));
    EXPECT_TRUE(server.io().rooms("no-such-sid").empty());
    EXPECT_FALSE(server.io().disconnect("no-such-sid"));
}

INSTANTIATE_TEST_SUITE_P(Modes, Rooms,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
