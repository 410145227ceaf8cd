// Hostile msgpack and JSON on the Node format's channels (tests/js/cluster/hostile-messages.mjs:
// garbage, truncated, huge, wrong types, deep nesting) are logged, rate-limited, and skipped;
// our server keeps serving its clients and answering requests.

#include "node_cluster_fixture.hpp"

namespace redistest {
namespace {

TEST(NodeHostileMessages, AreSkippedAndTheServerKeepsServing) {
    SIO_REQUIRE_REDIS();
    if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
    LogCapture log;
    siotest::RedisServerProcess redis;
    redis.start();
    NodeFormatServer server(redis.url());
    const auto result = server.run_script("hostile-messages.mjs", redis.url());
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_NE(result.out.find("OK"), std::string::npos) << result.out;
    const std::string text = log.text();
    EXPECT_NE(text.find("skipped"), std::string::npos) << text;
    EXPECT_NE(text.find("nested too deeply"), std::string::npos) << text;
    EXPECT_NE(text.find("max_message_bytes"), std::string::npos) << text;
    // 68 bad messages, far fewer lines: 20 per 10 s window (the rate limit of a peer's bad
    // input), so at most 41 even if the run straddles a window.
    std::size_t lines = 0;
    for (auto pos = text.find("cluster message"); pos != std::string::npos;
         pos = text.find("cluster message", pos + 1)) {
        ++lines;
    }
    EXPECT_LE(lines, 41u) << text;
}

}  // namespace
}  // namespace redistest
