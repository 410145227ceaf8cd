// A Node socket.io server with @socket.io/redis-adapter and one of ours in Node's format share a
// Redis and act as one cluster (tests/js/cluster/node-adapter-interop.mjs: broadcasts both ways,
// rooms, fetchSockets / allRooms, socketsJoin / socketsLeave / disconnectSockets, serverSideEmit
// and broadcasts with acks across, serverCount).

#include "node_cluster_fixture.hpp"

namespace redistest {
namespace {

TEST(NodeAdapterInterop, ANodeServerAndOursShareRoomsAndBroadcasts) {
    SIO_REQUIRE_REDIS();
    if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
    siotest::RedisServerProcess redis;
    redis.start();
    NodeFormatServer server(redis.url());
    const auto result = server.run_script("node-adapter-interop.mjs", redis.url());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_NE(result.out.find("OK"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace redistest
