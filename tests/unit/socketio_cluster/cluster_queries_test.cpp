// Queries across the cluster: fetch_sockets (with rooms, handshake, session data, and operations
// on the remote sockets), fetch_rooms, server_count.

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

struct ClusterQueries : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Node& b = cluster.add();
};

TEST_F(ClusterQueries, ServerCountAndIds) {
    EXPECT_EQ(a.io().server_count(), 2u);
    EXPECT_EQ(b.io().server_count(), 2u);
    EXPECT_EQ(a.io().of("/").server_id().size(), 32u);
    EXPECT_NE(a.io().of("/").server_id(), b.io().of("/").server_id());
    auto& c = cluster.add();
    EXPECT_EQ(a.io().server_count(), 3u);
    EXPECT_EQ(c.io().server_count(), 3u);
    cluster.nodes.pop_back();  // c stops: it says goodbye
    cluster.poll();
    EXPECT_EQ(a.io().server_count(), 2u);
}

TEST_F(ClusterQueries, FetchSocketsAcrossServers) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    b.io().enter_room(b1.sid, "team");
    b.io().save_session(b1.sid, json{{"user", "ann"}});
    cluster.poll();
    std::optional<std::pair<std::error_code, std::vector<socketio::RemoteSocket>>> result;
    a.io().fetch_sockets([&](std::error_code ec, std::vector<socketio::RemoteSocket> sockets) {
        result.emplace(ec, std::move(sockets));
    });
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->first);
    auto& sockets = result->second;
    ASSERT_EQ(sockets.size(), 3u);
    auto find = [&](const std::string& sid) {
        return *std::find_if(sockets.begin(), sockets.end(),
                             [&](const auto& s) { return s.sid() == sid; });
    };
    EXPECT_TRUE(find(a1.sid).local());
    EXPECT_EQ(find(a1.sid).info().server_id, a.io().of("/").server_id());
    auto remote = find(b1.sid);
    EXPECT_FALSE(remote.local());
    EXPECT_EQ(remote.info().server_id, b.io().of("/").server_id());
    EXPECT_EQ(remote.info().nsp, "/");
    auto rooms = remote.rooms();
    std::sort(rooms.begin(), rooms.end());
    std::vector<std::string> want{b1.sid, "team"};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(rooms, want);
    EXPECT_EQ(remote.data(), (json{{"user", "ann"}}));
    EXPECT_EQ(remote.handshake().at("address"), "127.0.0.1");
    EXPECT_EQ(remote.handshake().at("query").at("EIO"), "4");

    // The operations of a remote socket reach it on its server.
    remote.emit("hi", 1);
    remote.join("gold");
    cluster.poll();
    EXPECT_EQ(b1.client.events("hi").size(), 1u);
    EXPECT_TRUE(b2.client.events("hi").empty());
    auto now = b.io().rooms(b1.sid);
    EXPECT_NE(std::find(now.begin(), now.end(), "gold"), now.end());
    remote.disconnect();
    cluster.poll();
    EXPECT_EQ(b1.client.of_type(PacketType::disconnect).size(), 1u);
}

TEST_F(ClusterQueries, FetchSocketsOfARoomAsACoroutine) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    b.io().enter_room(b2.sid, "team");
    cluster.poll();
    std::optional<std::vector<std::string>> sids;
    boost::asio::co_spawn(
        a.io().loop(0),
        [&]() -> boost::asio::awaitable<void> {
            // A named Broadcast: GCC 12 mishandles temporaries in a co_await expression.
            auto team = a.io().of("/").in("team");
            auto sockets = co_await team.fetch_sockets();
            std::vector<std::string> found;
            for (const auto& s : sockets) found.push_back(s.sid());
            sids = found;
        },
        boost::asio::detached);
    ASSERT_TRUE(cluster.poll_until([&] { return sids.has_value(); }));
    EXPECT_EQ(*sids, std::vector<std::string>{b2.sid});
}

TEST_F(ClusterQueries, FetchSocketsTimesOutWithTheAnswersSoFar) {
    cluster.nodes.clear();
    auto& x = cluster.add({.request_timeout = 200ms});
    auto& y = cluster.add();
    auto x1 = join(x), y1 = join(y);
    y.driver->simulate_outage();
    std::optional<std::pair<std::error_code, std::size_t>> result;
    x.io().fetch_sockets([&](std::error_code ec, std::vector<socketio::RemoteSocket> sockets) {
        result.emplace(ec, sockets.size());
    });
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->first, socketio::error::ack_timeout);
    EXPECT_EQ(result->second, 1u);  // x's own
}

TEST_F(ClusterQueries, StoppingTheServerEndsItsPendingRequests) {
    b.driver->simulate_outage();  // b never answers
    std::optional<std::error_code> result;
    a.io().fetch_sockets([&](std::error_code ec, auto) { result = ec; });
    cluster.poll();
    EXPECT_FALSE(result);
    a.io().stop();
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(*result, std::errc::operation_canceled);
}

TEST_F(ClusterQueries, FetchRoomsAcrossServers) {
    auto a1 = join(a), b1 = join(b);
    a.io().enter_room(a1.sid, "ra");
    b.io().enter_room(b1.sid, "rb");
    cluster.poll();
    std::optional<std::vector<std::string>> rooms;
    a.io().of("/").fetch_rooms(
        [&](std::error_code, std::vector<std::string> r) { rooms = std::move(r); });
    ASSERT_TRUE(cluster.poll_until([&] { return rooms.has_value(); }));
    std::vector<std::string> want{a1.sid, b1.sid, "ra", "rb"};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(*rooms, want);
}

TEST_F(ClusterQueries, PendingRequestsAreBounded) {
    cluster.nodes.clear();
    auto& x = cluster.add({.max_pending_requests = 1});
    cluster.add();
    std::vector<std::error_code> results;
    for (int i = 0; i < 2; ++i) {
        x.io().fetch_sockets([&](std::error_code ec, auto) { results.push_back(ec); });
    }
    ASSERT_TRUE(cluster.poll_until([&] { return results.size() == 2; }));
    // The second is refused at once (it completes first); the first gets its answer.
    EXPECT_EQ(results[0], socketio::error::too_many_pending_requests);
    EXPECT_FALSE(results[1]);
}

}  // namespace
}  // namespace sio_test
