// What the cluster adapter does with bad input and a broker that goes away: malformed, hostile
// and oversized messages are skipped (the server keeps working), its own messages are ignored,
// and messages published during an outage wait in the driver's bounded queue.

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

TEST(ClusterFaults, MalformedMessagesAreSkippedAndTheServerKeepsWorking) {
    ClusterHarness cluster;
    auto& a = cluster.add({.max_message_bytes = 4096});
    auto a1 = join(a);
    auto evil = cluster.peer();
    const std::vector<std::string> bad = {
        "",
        "not json",
        "{\"method\": ",
        "[1, 2, 3]",
        "{}",
        "{\"method\": 42}",
        R"({"method": "emit"})",                                          // no event
        R"({"method": "emit", "event": 7, "namespace": "/"})",            // event not a string
        R"({"method": "emit", "event": "x", "namespace": 5})",            // bad namespace
        R"({"method": "emit", "event": "x", "room": {"a": 1}})",          // bad room
        R"({"method": "emit", "event": "x", "skip_sid": [1, 2]})",        // bad skip_sid
        R"({"method": "emit", "event": "x", "callback": ["sid", "/"]})",  // short callback
        R"({"method": "emit", "event": "x", "cpp_args": "yes", "data": 1})",
        R"({"method": "enter_room", "sid": null, "room": "r"})",
        R"({"method": "close_room"})",
        R"({"method": "cpp:disconnect_sockets", "rooms": [], "close": "yes"})",
        R"({"method": "cpp:fetch_sockets"})",  // no request_id
        R"({"method": "cpp:broadcast_ack", "request_id": "1", "data": []})",
        R"({"method": "cpp:server_side_emit", "data": "x"})",
        R"({"method": "cpp:heartbeat"})",  // no host_id
        R"({"method": "cpp:fetch_sockets_response", "to": 3})",
        R"({"method": "unknown-future-method", "host_id": "x"})",
        std::string(5000, '['),  // over the size
        "{\"method\": \"emit\", \"event\": \"x\", \"data\": " + std::string(200, '[') +
            std::string(200, ']') + "}",                                 // nested too deep
        std::string("{\"method\": \"emit\", \"event\": \"\xff\xfe\"}"),  // invalid UTF-8
    };
    for (const auto& payload : bad) evil.publish(payload);
    cluster.poll();
    EXPECT_TRUE(a1.client.events("x").empty());
    EXPECT_FALSE(a1.client.session->closed());
    // Still part of the cluster and delivering.
    evil.publish(
        R"({"method": "emit", "event": "ok", "data": 1, "namespace": "/", "room": null, "skip_sid": null, "callback": null, "host_id": "py"})");
    cluster.poll();
    EXPECT_EQ(a1.client.events("ok").size(), 1u);
}

TEST(ClusterFaults, NonJsonPayloadsGoToTheDecoderHook) {
    ClusterHarness cluster;
    std::vector<std::string> seen;
    auto& a = cluster.add({.decode_payload = [&](std::string_view payload,
                                                 std::string& error) -> std::optional<json> {
        seen.emplace_back(payload);
        if (payload == "\x80pickled-emit") {
            return json{{"method", "emit"},
                        {"event", "from-pickle"},
                        {"data", 1},
                        {"namespace", "/"},
                        {"host_id", "old-python"}};
        }
        error = "not a pickle";
        return std::nullopt;
    }});
    auto a1 = join(a);
    auto old_python = cluster.peer();
    old_python.publish("\x80pickled-emit");
    old_python.publish("\x80garbage");
    cluster.poll();
    EXPECT_EQ(seen, (std::vector<std::string>{"\x80pickled-emit", "\x80garbage"}));
    EXPECT_EQ(a1.client.events("from-pickle").size(), 1u);
}

// What Debian's python3-socketio 5.7.2 RedisManager publishes: pickle.dumps(message). The bytes
// below were made by /usr/bin/python3's pickle (protocols 2 and 4); the last one is a pickle that
// would call os.system on unpickling in Python.
TEST(ClusterFaults, OldPythonPicklesAreReadAsPlainDataAndNothingElse) {
    ClusterHarness cluster;
    auto& a = cluster.add();
    auto a1 = join(a);
    auto old_python = cluster.peer();
    const std::string protocol2(
        "\x80\x02\x7d\x71\x00\x28\x58\x06\x00\x00\x00\x6d\x65\x74\x68\x6f"
        "\x64\x71\x01\x58\x04\x00\x00\x00\x65\x6d\x69\x74\x71\x02\x58\x05"
        "\x00\x00\x00\x65\x76\x65\x6e\x74\x71\x03\x58\x0b\x00\x00\x00\x66"
        "\x72\x6f\x6d\x2d\x70\x69\x63\x6b\x6c\x65\x71\x04\x58\x04\x00\x00"
        "\x00\x64\x61\x74\x61\x71\x05\x5d\x71\x06\x28\x4b\x01\x58\x03\x00"
        "\x00\x00\x74\x77\x6f\x71\x07\x65\x58\x09\x00\x00\x00\x6e\x61\x6d"
        "\x65\x73\x70\x61\x63\x65\x71\x08\x58\x01\x00\x00\x00\x2f\x71\x09"
        "\x58\x04\x00\x00\x00\x72\x6f\x6f\x6d\x71\x0a\x4e\x58\x08\x00\x00"
        "\x00\x73\x6b\x69\x70\x5f\x73\x69\x64\x71\x0b\x4e\x58\x08\x00\x00"
        "\x00\x63\x61\x6c\x6c\x62\x61\x63\x6b\x71\x0c\x4e\x58\x07\x00\x00"
        "\x00\x68\x6f\x73\x74\x5f\x69\x64\x71\x0d\x58\x0a\x00\x00\x00\x6f"
        "\x6c\x64\x2d\x70\x79\x74\x68\x6f\x6e\x71\x0e\x75\x2e",
        189);
    const std::string protocol4(
        "\x80\x04\x95\x85\x00\x00\x00\x00\x00\x00\x00\x7d\x94\x28\x8c\x06"
        "\x6d\x65\x74\x68\x6f\x64\x94\x8c\x04\x65\x6d\x69\x74\x94\x8c\x05"
        "\x65\x76\x65\x6e\x74\x94\x8c\x0b\x66\x72\x6f\x6d\x2d\x70\x69\x63"
        "\x6b\x6c\x65\x94\x8c\x04\x64\x61\x74\x61\x94\x5d\x94\x28\x4b\x01"
        "\x8c\x03\x74\x77\x6f\x94\x65\x8c\x09\x6e\x61\x6d\x65\x73\x70\x61"
        "\x63\x65\x94\x8c\x01\x2f\x94\x8c\x04\x72\x6f\x6f\x6d\x94\x4e\x8c"
        "\x08\x73\x6b\x69\x70\x5f\x73\x69\x64\x94\x4e\x8c\x08\x63\x61\x6c"
        "\x6c\x62\x61\x63\x6b\x94\x4e\x8c\x07\x68\x6f\x73\x74\x5f\x69\x64"
        "\x94\x8c\x0a\x6f\x6c\x64\x2d\x70\x79\x74\x68\x6f\x6e\x94\x75\x2e",
        144);
    const std::string calls_os_system(
        "\x80\x02\x7d\x71\x00\x28\x58\x06\x00\x00\x00\x6d\x65\x74\x68\x6f"
        "\x64\x71\x01\x58\x04\x00\x00\x00\x65\x6d\x69\x74\x71\x02\x58\x05"
        "\x00\x00\x00\x65\x76\x65\x6e\x74\x71\x03\x63\x70\x6f\x73\x69\x78"
        "\x0a\x73\x79\x73\x74\x65\x6d\x0a\x71\x04\x58\x10\x00\x00\x00\x74"
        "\x6f\x75\x63\x68\x20\x2f\x74\x6d\x70\x2f\x70\x77\x6e\x65\x64\x71"
        "\x05\x85\x71\x06\x52\x71\x07\x75\x2e",
        89);
    old_python.publish(protocol2);
    old_python.publish(protocol4);
    old_python.publish(calls_os_system);  // refused (GLOBAL posix.system), logged, skipped
    cluster.poll();
    auto got = a1.client.events("from-pickle");
    ASSERT_EQ(got.size(), 2u);
    // python's data=[1, 'two'] is one argument, a list (a tuple would be several).
    EXPECT_EQ(got[0], json::array({json::array({1, "two"})}));
    EXPECT_EQ(got[1], json::array({json::array({1, "two"})}));
    EXPECT_FALSE(a1.client.session->closed());
}

TEST(ClusterFaults, OwnMessagesAreIgnored) {
    ClusterHarness cluster;
    auto& a = cluster.add();
    auto a1 = join(a);
    auto spy = cluster.peer();
    a.io().emit("once");
    cluster.poll();
    // The broker handed the message back to a too (it is subscribed): delivered once only.
    EXPECT_EQ(a1.client.events("once").size(), 1u);
    auto published = spy.messages("emit");
    ASSERT_EQ(published.size(), 1u);
    // A replay of it (same host_id) is ignored as well.
    spy.publish(published[0].dump());
    cluster.poll();
    EXPECT_EQ(a1.client.events("once").size(), 1u);
}

TEST(ClusterFaults, MessagesPublishedDuringAnOutageWaitThenGoOutInOrder) {
    ClusterHarness cluster;
    auto& a = cluster.add({}, {.max_queued = 3});
    auto& b = cluster.add();
    auto a1 = join(a), b1 = join(b);
    a.driver->simulate_outage();
    cluster.poll();
    for (int i = 0; i < 5; ++i) a.io().emit("n", i);
    cluster.poll();
    // Local delivery never waits for the broker.
    EXPECT_EQ(a1.client.events("n").size(), 5u);
    EXPECT_TRUE(b1.client.events("n").empty());
    // Meanwhile a misses what others publish (Redis pub/sub keeps nothing).
    b.io().emit("missed");
    cluster.poll();
    EXPECT_TRUE(a1.client.events("missed").empty());

    a.driver->restore();
    cluster.poll();
    // The first three waited (the queue's bound), the last two were dropped and counted.
    EXPECT_EQ(b1.client.events("n"),
              (std::vector<json>{json::array({0}), json::array({1}), json::array({2})}));
    EXPECT_EQ(a.driver->stats().dropped, 2u);
    EXPECT_EQ(a.driver->stats().reconnects, 1u);
    b.io().emit("after");
    cluster.poll();
    EXPECT_EQ(a1.client.events("after").size(), 1u);
    EXPECT_EQ(a.io().server_count(), 2u);
}

}  // namespace
}  // namespace sio_test
