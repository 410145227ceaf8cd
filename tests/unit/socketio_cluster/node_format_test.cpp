// Node's @socket.io/redis-adapter wire format (ClusterFormat::node_redis_adapter): every cluster
// operation between our servers over it (loopback broker), what a Node peer's messages do, and
// hostile msgpack skipped. The exact bytes against npm's packages are checked in
// tests/integration/redis/node_*_test.cpp.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "cluster_harness.hpp"
#include "socketio/adapters/cluster_format.hpp"

namespace sio_test {
namespace {

using socketio::ClusterFormat;
using socketio::cluster::make_wire_format;
using socketio::cluster::parse_msgpack_bounded;

socketio::ClusterOptions node_options() {
    return {.format = ClusterFormat::node_redis_adapter, .heartbeat_interval = 20ms};
}

std::string msgpack(const json& value) {
    std::string bytes;
    json::to_msgpack(value, bytes);
    return bytes;
}

struct NodeFormat : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add(node_options());
    ClusterHarness::Node& b = cluster.add(node_options());
};

TEST_F(NodeFormat, ServerCountIsTheSubscribersOfTheRequestChannel) {
    EXPECT_TRUE(cluster.poll_until([&] { return a.io().server_count() == 2; }));
    EXPECT_TRUE(cluster.poll_until([&] { return b.io().server_count() == 2; }));
    // A third "server" that only subscribes to the request channel counts, as in Node.
    auto other = cluster.broker->make_driver(cluster.broker_loop.get_executor());
    other->subscribe({"socket.io-request#/#"});
    other->start({});
    EXPECT_TRUE(cluster.poll_until([&] { return a.io().server_count() == 3; }));
}

TEST_F(NodeFormat, BroadcastsToAllRoomsAndExcept) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    b.io().enter_room(b1.sid, "r");
    cluster.poll();
    a.io().emit("all", 1, "two");
    a.io().to("r").emit("room", socketio::binary(std::string("\0\xff", 2)));
    a.io().of("/").except("r").emit("except");
    a.io().to(b2.sid).emit("sid");
    cluster.poll();
    EXPECT_EQ(a1.client.events("all"), std::vector<json>{json::array({1, "two"})});
    EXPECT_EQ(b1.client.events("all"), std::vector<json>{json::array({1, "two"})});
    EXPECT_EQ(b2.client.events("all"), std::vector<json>{json::array({1, "two"})});
    ASSERT_EQ(b1.client.events("room").size(), 1u);
    EXPECT_EQ(b1.client.events("room")[0][0], json::binary({0, 0xff}));
    EXPECT_TRUE(b2.client.events("room").empty());
    EXPECT_TRUE(b1.client.events("except").empty());
    EXPECT_EQ(b2.client.events("except").size(), 1u);
    EXPECT_EQ(a1.client.events("except").size(), 1u);
    EXPECT_EQ(b2.client.events("sid").size(), 1u);
    EXPECT_TRUE(b1.client.events("sid").empty());
}

TEST_F(NodeFormat, RoomsAndDisconnectAcrossServers) {
    auto b1 = join(b), b2 = join(b);
    a.io().of("/").to(b1.sid).sockets_join({"j"});
    cluster.poll();
    EXPECT_EQ(b.io().of("/").sockets("j"), std::vector<std::string>{b1.sid});
    a.io().enter_room(b2.sid, "j");
    cluster.poll();
    EXPECT_EQ(b.io().of("/").sockets("j").size(), 2u);
    a.io().close_room("j");
    cluster.poll();
    EXPECT_TRUE(b.io().of("/").sockets("j").empty());
    a.io().disconnect(b2.sid);
    cluster.poll();
    EXPECT_FALSE(b.io().of("/").socket(b2.sid));
    EXPECT_TRUE(b.io().of("/").socket(b1.sid));
}

TEST_F(NodeFormat, FetchSocketsAndRoomsAcrossServers) {
    auto a1 = join(a), b1 = join(b);
    b.io().enter_room(b1.sid, "team");
    ASSERT_TRUE(cluster.poll_until([&] { return a.io().server_count() == 2; }));
    std::optional<std::vector<socketio::RemoteSocket>> found;
    a.io().of("/").to("team").fetch_sockets(
        [&](std::error_code ec, std::vector<socketio::RemoteSocket> s) {
            EXPECT_FALSE(ec) << ec.message();
            found = std::move(s);
        });
    ASSERT_TRUE(cluster.poll_until([&] { return found.has_value(); }));
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->at(0).sid(), b1.sid);
    EXPECT_FALSE(found->at(0).local());
    auto rooms = found->at(0).rooms();
    EXPECT_NE(std::find(rooms.begin(), rooms.end(), "team"), rooms.end());

    std::optional<std::vector<std::string>> all;
    a.io().of("/").fetch_rooms([&](std::error_code ec, std::vector<std::string> r) {
        EXPECT_FALSE(ec) << ec.message();
        all = std::move(r);
    });
    ASSERT_TRUE(cluster.poll_until([&] { return all.has_value(); }));
    for (const auto& room : {std::string("team"), a1.sid, b1.sid}) {
        EXPECT_NE(std::find(all->begin(), all->end(), room), all->end()) << room;
    }
}

TEST_F(NodeFormat, BroadcastWithAcksCountsEveryServer) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    ASSERT_TRUE(cluster.poll_until([&] { return a.io().server_count() == 2; }));
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").broadcast().timeout(5s).emit_args_with_acks(
        "poll", json::array({"q"}), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    EXPECT_FALSE(result);
    for (auto* m : {&a1, &b1, &b2}) {
        for (const auto& p : m->client.of_type(PacketType::event)) {
            if (p.data.at(0) == "poll" && p.id) m->client.ack(*p.id, json::array({m->sid}));
        }
    }
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec) << result->ec.message();
    EXPECT_EQ(result->expected, 3u);
    ASSERT_EQ(result->acks.size(), 3u);
    for (const auto& ack : result->acks) EXPECT_EQ(ack.args, json::array({ack.sid}));
}

TEST_F(NodeFormat, ServerSideEmitWithAck) {
    b.io().on_server_side("ping", [](const json& args) { return json{{"pong", args}}; });
    ASSERT_TRUE(cluster.poll_until([&] { return a.io().server_count() == 2; }));
    std::optional<std::vector<json>> answers;
    a.io().of("/").server_side_emit_with_ack("ping", 7,
                                             [&](std::error_code ec, std::vector<json> r) {
                                                 EXPECT_FALSE(ec) << ec.message();
                                                 answers = std::move(r);
                                             });
    ASSERT_TRUE(cluster.poll_until([&] { return answers.has_value(); }));
    EXPECT_EQ(*answers, std::vector<json>{json::array({json{{"pong", json::array({7})}}})});
}

TEST_F(NodeFormat, ANodePeersBroadcastAndRequests) {
    auto b1 = join(b), b2 = join(b);
    auto node = cluster.broker->make_driver(cluster.broker_loop.get_executor());
    node->start({});
    cluster.poll();
    // RedisAdapter.broadcast: [uid, packet, opts] (a Buffer as msgpack bin).
    node->publish("socket.io#/#",
                  msgpack(json::array(
                      {"nOde42",
                       {{"type", 2},
                        {"data", json::array({"hi", json::binary({1, 2}), json::binary({0}, 0)})},
                        {"nsp", "/"}},
                       {{"rooms", json::array()},
                        {"except", json::array({b2.sid})},
                        {"flags", json::object()}}})));
    // socketsJoin from the emitter (no uid), as JSON.
    node->publish("socket.io-request#/#",
                  R"({"type":2,"opts":{"rooms":[")" + b2.sid + R"("],"except":[]},"rooms":[7]})");
    cluster.poll();
    // notepack's `undefined` (fixext 1, type 0) arrives as null.
    EXPECT_EQ(b1.client.events("hi"),
              std::vector<json>{json::array({json::binary({1, 2}), nullptr})});
    EXPECT_TRUE(b2.client.events("hi").empty());
    EXPECT_EQ(b.io().of("/").sockets("7"), std::vector<std::string>{b2.sid});  // a numeric room
}

TEST_F(NodeFormat, HostileMessagesAreSkipped) {
    auto b1 = join(b);
    auto node = cluster.broker->make_driver(cluster.broker_loop.get_executor());
    node->start({});
    cluster.poll();
    const std::string deep(100'000, '\x91');  // [[[[…]]]]: 100 000 levels, truncated
    for (const std::string& bad : {std::string("\xc1"), std::string("\xdd\xff\xff\xff\xff"), deep,
                                   std::string("\x93\xa1x\x01"), msgpack(json(5)),
                                   msgpack(json::array({"u", {{"type", 2}, {"data", 5}}}))}) {
        node->publish("socket.io#/#", bad);
        node->publish("socket.io-request#/#", bad);
        node->publish("socket.io-response#/#", bad);
    }
    node->publish("socket.io-request#/#", R"({"type":"2"})");
    node->publish("socket.io-request#/#", R"({"type":5,"requestId":1,"opts":{}})");
    node->publish("socket.io-response#/#", R"({"type":8,"requestId":"x","clientCount":-1})");
    cluster.poll();
    a.io().emit("still", 1);
    cluster.poll();
    EXPECT_EQ(b1.client.events("still").size(), 1u);
}

TEST(NodeMsgpack, BoundsAndErrors) {
    std::string error;
    EXPECT_FALSE(parse_msgpack_bounded(std::string(65, '\x91') + '\xc0', 64, error));
    EXPECT_NE(error.find("deep"), std::string::npos) << error;
    EXPECT_TRUE(parse_msgpack_bounded(std::string(64, '\x91') + '\xc0', 64, error)) << error;
    EXPECT_FALSE(parse_msgpack_bounded("\xdc\x00\x05\xc0", 64, error));  // 5 items, 1 byte
    EXPECT_FALSE(parse_msgpack_bounded("\xc6\xff\xff\xff\xff", 64, error));
    EXPECT_FALSE(parse_msgpack_bounded(std::string("\x81\x01\x02", 3), 64, error));  // int key
    EXPECT_FALSE(parse_msgpack_bounded(std::string("\xc0\xc0", 2), 64, error));      // trailing
    EXPECT_FALSE(parse_msgpack_bounded("", 64, error));
    auto value = parse_msgpack_bounded(msgpack({{"a", json::binary({1})}, {"b", -3}}), 64, error);
    ASSERT_TRUE(value) << error;
    EXPECT_EQ(value->at("b"), -3);
}

TEST(NodeWire, SchemaMessagesMapBothWays) {
    auto format = make_wire_format({.format = ClusterFormat::node_redis_adapter});
    std::string channel, payload, error;
    // The channels: Node's default key "socket.io" for an empty ClusterOptions::channel.
    ASSERT_TRUE(format->encode({{"method", "emit"},
                                {"event", "e"},
                                {"data", 1},
                                {"namespace", "/chat"},
                                {"room", "r"},
                                {"skip_sid", nullptr},
                                {"callback", nullptr}},
                               channel, payload));
    EXPECT_EQ(channel, "socket.io#/chat#r#");
    auto back = format->decode(channel, payload, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->at("method"), "emit");
    EXPECT_EQ(back->at("namespace"), "/chat");
    EXPECT_EQ(back->at("room"), json::array({"r"}));
    EXPECT_EQ(back->at("host_id"), "emitter");  // no host_id: npm's emitter's uid
    EXPECT_EQ(back->at("data"), json::array({1}));

    ASSERT_TRUE(format->encode({{"method", "cpp:fetch_sockets"},
                                {"namespace", "/"},
                                {"rooms", json::array({"r"})},
                                {"except", json::array()},
                                {"request_id", "abc"},
                                {"host_id", "me"}},
                               channel, payload));
    EXPECT_EQ(channel, "socket.io-request#/#");
    EXPECT_EQ(payload,
              R"({"uid":"me","requestId":"abc","type":5,"opts":{"rooms":["r"],"except":[]}})");

    // An emit asking for acks (python's callback form with our request id) is Node's BROADCAST.
    ASSERT_TRUE(format->encode({{"method", "emit"},
                                {"event", "q"},
                                {"data", 1},
                                {"namespace", "/"},
                                {"room", "sid1"},
                                {"skip_sid", nullptr},
                                {"callback", {"sid1", "/", 42}},
                                {"cpp_request_id", "42"},
                                {"host_id", "me"}},
                               channel, payload));
    EXPECT_EQ(channel, "socket.io-request#/#");
    back = format->decode(channel, payload, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->at("method"), "cpp:broadcast_ack");
    EXPECT_EQ(back->at("request_id"), "42");
    EXPECT_EQ(back->at("rooms"), json::array({"sid1"}));
    EXPECT_EQ(back->at("data"), json::array({"q", 1}));
    EXPECT_EQ(back->at("host_id"), "me");

    // What Node has no message for publishes nothing.
    EXPECT_FALSE(
        format->encode({{"method", "cpp:heartbeat"}, {"host_id", "me"}}, channel, payload));
    EXPECT_FALSE(format->encode({{"method", "cpp:broadcast_ack_response"},
                                 {"request_id", "x"},
                                 {"sid", "s"},
                                 {"failed", true}},
                                channel, payload));

    // Answers: Node's on the shared response channel, ours on it too; a uid after it is the
    // recipient.
    back = format->decode("socket.io-response#/#", R"({"type":8,"requestId":"x","clientCount":3})",
                          error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->at("method"), "cpp:broadcast_ack_count");
    EXPECT_EQ(back->at("count"), 3);
    EXPECT_FALSE(back->contains("to"));
    back = format->decode("socket.io-response#/chat#ab12cd#", R"({"requestId":"x","rooms":["a"]})",
                          error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->at("method"), "cpp:fetch_rooms_response");
    EXPECT_EQ(back->at("namespace"), "/chat");
    EXPECT_EQ(back->at("to"), "ab12cd");

    // Another key prefix.
    auto keyed =
        make_wire_format({.channel = "myapp", .format = ClusterFormat::node_redis_adapter});
    EXPECT_FALSE(keyed->decode("socket.io#/#", msgpack(json::array()), error));
    auto subscriptions = keyed->namespace_subscriptions("/", "me");
    EXPECT_EQ(subscriptions.channels,
              (std::vector<std::string>{"myapp-request#/#", "myapp-response#/#",
                                        "myapp-response#/#me#"}));
    EXPECT_EQ(subscriptions.patterns, std::vector<std::string>{"myapp#/#*"});
}

TEST(NodeFormatThreads, EveryQueryFromAnotherThreadIsAnswered) {
    // A query started on a thread other than loop 0 (a handler on loop 1, the application's own
    // thread) while the driver runs on a thread of its own: the broker's count of servers can
    // come back, and complete the query, before the query has its callback. It must still be
    // answered, every time (it was not: a Node client's fetchSockets went unanswered).
    boost::asio::io_context driver_loop;
    auto work = boost::asio::make_work_guard(driver_loop);
    std::thread driver_thread([&] { driver_loop.run(); });
    auto broker = socketio::LoopbackBroker::create();
    {
        socketio::ServerOptions options;
        options.engine.threads = 2;
        options.adapter = socketio::cluster_adapter(broker->make_driver(driver_loop.get_executor()),
                                                    node_options());
        socketio::Server io(options);
        io.listen("127.0.0.1", 0);
        io.start();
        std::atomic<int> answered{0};
        for (int i = 0; i < 500; ++i) {
            const auto count = [&](std::error_code ec, const auto&) {
                EXPECT_FALSE(ec) << ec.message();
                ++answered;
            };
            if (i % 2 == 0) {
                io.of("/").fetch_sockets(count);
            } else {
                io.of("/").fetch_rooms(count);
            }
            const auto deadline = std::chrono::steady_clock::now() + 5s;
            while (answered.load() < i + 1 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::yield();
            }
            ASSERT_EQ(answered.load(), i + 1) << "query " << i << " was never answered";
        }
        io.stop();
    }
    work.reset();
    driver_loop.stop();
    driver_thread.join();
}

}  // namespace
}  // namespace sio_test
