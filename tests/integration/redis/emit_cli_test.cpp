// The socketio-emit command, spawned as a user runs it: an event with JSON arguments reaches the
// socket.io-client clients of our server through Redis, silently; bad usage and an unreachable
// Redis end with a one-line message and their exit status (2, 1).

#include "cluster_server_fixture.hpp"

#ifdef SIO_EMIT_CLI

namespace redistest {
namespace {

siotest::ProcessResult emit_cli(std::vector<std::string> args) {
    args.insert(args.begin(), SIO_EMIT_CLI);
    return siotest::run_process({.argv = std::move(args)}, 30s);
}

/// The message is one line on stderr, naming the command; nothing on stdout.
void expect_one_line_error(const siotest::ProcessResult& result, int status,
                           const std::string& says) {
    EXPECT_EQ(result.exit_code, status) << result.describe();
    EXPECT_TRUE(result.out.empty()) << result.describe();
    EXPECT_TRUE(result.err.starts_with("socketio-emit: ")) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
}

TEST(EmitCli, HelpDescribesEveryOption) {
    auto result = emit_cli({"--help"});
    ASSERT_TRUE(result.ok()) << result.describe();
    for (const char* option : {"Usage: socketio-emit", "--redis", "--channel", "--namespace",
                               "--room", "--except", "--format", "--timeout", "--verbose"}) {
        EXPECT_NE(result.out.find(option), std::string::npos) << option;
    }
}

TEST(EmitCli, BadUsageExitsWithTwo) {
    expect_one_line_error(emit_cli({}), 2, "no EVENT given");
    expect_one_line_error(emit_cli({"ev", "{not json"}), 2, "argument 1 is not JSON: {not json");
    expect_one_line_error(emit_cli({"ev", "1", "text"}), 2, "argument 2 is not JSON");
    expect_one_line_error(emit_cli({"--bogus", "ev"}), 2, "unknown option --bogus");
    expect_one_line_error(emit_cli({"ev", "--room"}), 2, "--room needs a value");
    expect_one_line_error(emit_cli({"--format", "ruby", "ev"}), 2, "python or node, not ruby");
    expect_one_line_error(emit_cli({"--timeout", "soon", "ev"}), 2, "--timeout");
    expect_one_line_error(emit_cli({"--redis", "http://x", "ev"}), 2, "invalid --redis URL");
    expect_one_line_error(emit_cli({"connect"}), 2, "reserved event name");
}

TEST(EmitCli, TheNodeFormatParses) {
    // --format node is an Emitter in Node's format: no usage error; with nothing listening on the
    // Redis port it fails as any emit to an unreachable Redis does.
    auto result =
        emit_cli({"--redis", "redis://127.0.0.1:1", "--timeout", "100", "--format", "node", "ev"});
    expect_one_line_error(result, 1, "did not take every message in time");
}

using EmitCliWithRedis = RedisWithNode;

TEST_F(EmitCliWithRedis, AnEventReachesTheClientsOfOurServerSilently) {
    ClusterServer server(redis_.url());
    Listener in_room(server.url(), "/chat", {"r1"}, 1);
    Listener skipped(server.url(), "/chat", {"r1"}, 0);
    Listener elsewhere(server.url(), "/", {"r1"}, 0);
    ASSERT_FALSE(in_room.ready().empty());
    const std::string skipped_sid = skipped.ready();
    ASSERT_FALSE(skipped_sid.empty());
    ASSERT_FALSE(elsewhere.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 1));

    auto result =
        emit_cli({"--redis", redis_.url(), "--namespace", "/chat", "--room", "r1", "--except",
                  skipped_sid, "news", R"({"a": 1})", R"("two")", "[1,2]", "null"});
    EXPECT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "");
    std::string failure;
    EXPECT_EQ(in_room.events(&failure),
              (std::vector<json>{json::array({"news", {{"a", 1}}, "two", {1, 2}, nullptr})}))
        << failure;
    EXPECT_TRUE(skipped.events(&failure).empty()) << failure;
    EXPECT_TRUE(elsewhere.events(&failure).empty()) << failure;
}

TEST_F(EmitCliWithRedis, VerboseSaysWhatWasEmittedOnItsChannel) {
    ClusterServer server(redis_.url(), {.channel = "news-channel"});
    Listener client(server.url(), "/", {}, 1);
    ASSERT_FALSE(client.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "news-channel", 1));
    auto result =
        emit_cli({"--redis=" + redis_.url(), "--channel=news-channel", "--verbose", "--", "ping"});
    EXPECT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(result.err,
              "socketio-emit: emitted ping with 0 argument(s) to / on channel news-channel\n");
    std::string failure;
    EXPECT_EQ(client.events(&failure), (std::vector<json>{json::array({"ping"})})) << failure;
}

TEST_F(EmitCliWithRedis, AnUnreachableRedisExitsWithOne) {
    const std::string url = redis_.url();
    redis_.stop();
    auto result = emit_cli({"--redis", url, "--timeout", "300", "ev"});
    expect_one_line_error(result, 1, "did not take every message in time");
}

}  // namespace
}  // namespace redistest

#endif  // SIO_EMIT_CLI
