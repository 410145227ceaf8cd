// npm's @socket.io/redis-emitter reaches the socket.io-client sockets of our server in Node's
// format (tests/js/cluster/emitter-to-our-clients.mjs: every emitter operation, binary
// arguments, another namespace).

#include "node_cluster_fixture.hpp"

namespace redistest {
namespace {

TEST(NodeEmitter, ReachesOurClients) {
    SIO_REQUIRE_REDIS();
    if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
    siotest::RedisServerProcess redis;
    redis.start();
    NodeFormatServer server(redis.url());
    const auto result = server.run_script("emitter-to-our-clients.mjs", redis.url());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_NE(result.out.find("OK"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace redistest
