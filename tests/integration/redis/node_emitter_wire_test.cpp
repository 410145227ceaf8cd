// npm's @socket.io/redis-emitter and our Node format write the same bytes: each operation of
// tests/js/cluster/emitter-publish.mjs, as published on a real Redis, equals what
// make_wire_format({.format = node_redis_adapter}) writes for the same schema message (without
// host_id: the emitter's), on the same channel; and each decodes to that message's meaning.

#include "driver_fixture.hpp"
#include "socketio/adapters/cluster_format.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"

namespace redistest {
namespace {

using socketio::json;

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

TEST(NodeEmitterWire, OurEncodingIsTheEmittersByteForByte) {
    SIO_REQUIRE_REDIS();
    if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    Recorder seen;
    auto driver = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    driver->psubscribe({"socket.io*"});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(socketio::DriverState::connected));

    const auto result = siotest::run_process(
        {.argv = {siotest::node_executable(), siotest::js_path("cluster/emitter-publish.mjs"),
                  redis.url()}},
        60s);
    ASSERT_TRUE(result.ok()) << result.describe();

    // The same operations as schema messages (docs/cluster.md), in the script's order.
    const json bin = json::binary({0, 1, 2, 255});
    const std::vector<json> schema = {
        {{"method", "emit"},
         {"event", "hello"},
         {"data", {"world", 1, {{"a", true}, {"n", nullptr}, {"list", {-1, 300, "é"}}}}},
         {"cpp_args", true},
         {"namespace", "/"},
         {"room", nullptr},
         {"skip_sid", nullptr},
         {"callback", nullptr}},
        {{"method", "emit"}, {"event", "r"}, {"data", 2}, {"namespace", "/"}, {"room", "room1"}},
        {{"method", "emit"},
         {"event", "multi"},
         {"data", nullptr},
         {"room", {"a", "b"}},
         {"skip_sid", "c"}},
        {{"method", "emit"},
         {"event", "bin"},
         {"data", {bin, {{"nested", json::binary({'x', 'y'})}}}},
         {"cpp_args", true},
         {"namespace", "/chat"}},
        {{"method", "cpp:sockets_join"},
         {"namespace", "/"},
         {"rooms", {"room1"}},
         {"except", json::array()},
         {"join", {"x", "y"}}},
        {{"method", "cpp:sockets_leave"},
         {"rooms", json::array()},
         {"except", {"z"}},
         {"leave", {"x"}}},
        {{"method", "cpp:disconnect_sockets"},
         {"rooms", {"x"}},
         {"except", json::array()},
         {"close", true}},
        {{"method", "cpp:server_side_emit"}, {"data", {"ping", 1, "two"}}, {"request_id", nullptr}},
        {{"method", "enter_room"}, {"sid", "sid1"}, {"room", "room9"}, {"namespace", "/"}},
        {{"method", "leave_room"}, {"sid", "sid1"}, {"room", "room9"}, {"namespace", "/"}},
        {{"method", "disconnect"}, {"sid", "sid1"}, {"namespace", "/"}},
        {{"method", "close_room"}, {"room", "room9"}, {"namespace", "/"}},
    };
    ASSERT_TRUE(seen.wait_for_messages(schema.size()));
    const auto messages = seen.messages();
    ASSERT_EQ(messages.size(), schema.size());

    auto format = socketio::cluster::make_wire_format(
        {.format = socketio::ClusterFormat::node_redis_adapter});
    for (std::size_t i = 0; i < schema.size(); ++i) {
        SCOPED_TRACE("operation " + std::to_string(i) + ": " + schema[i].dump());
        std::string channel, payload;
        ASSERT_TRUE(format->encode(schema[i], channel, payload));
        EXPECT_EQ(channel, messages[i].channel);
        EXPECT_EQ(payload, messages[i].payload)
            << "ours: " << hex(payload) << "\nnpm's: " << hex(messages[i].payload);

        // And the emitter's message means what the schema message says.
        std::string error;
        auto decoded = format->decode(messages[i].channel, messages[i].payload, error);
        ASSERT_TRUE(decoded) << error;
        std::string method = schema[i]["method"];
        if (method == "enter_room") method = "cpp:sockets_join";  // Node's socketsJoin form
        if (method == "leave_room" || method == "close_room") method = "cpp:sockets_leave";
        if (method == "disconnect") method = "cpp:disconnect_sockets";
        EXPECT_EQ(decoded->at("method"), method);
        EXPECT_EQ(decoded->at("namespace"), schema[i].value("namespace", "/"));
    }
    std::string error;
    auto first = format->decode(messages[0].channel, messages[0].payload, error);
    EXPECT_EQ(first->at("data"), schema[0]["data"]);
    EXPECT_EQ(first->at("host_id"), "emitter");
    auto binary = format->decode(messages[3].channel, messages[3].payload, error);
    EXPECT_EQ(binary->at("data"), schema[3]["data"]);
    auto sse = format->decode(messages[7].channel, messages[7].payload, error);
    EXPECT_EQ(sse->at("data"), schema[7]["data"]);
    EXPECT_TRUE(sse->at("request_id").is_null());
}

}  // namespace
}  // namespace redistest
