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
