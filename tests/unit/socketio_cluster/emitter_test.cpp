// The write-only Emitter over a loopback broker: every method reaches the sockets of every
// server (arguments, binary, rooms, except, namespaces), its messages are the ones a server's
// cluster adapter publishes, and flush() tells whether they reached the broker.

#include "socketio/emitter.hpp"
#include "cluster_harness.hpp"

namespace sio_test {
namespace {

// Every behaviour in both wire formats: the Emitter encodes through the format, so what reaches
// python-socketio-format servers must reach Node-format ones alike.
struct EmitterTest : ::testing::TestWithParam<socketio::ClusterFormat> {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add({.format = GetParam()});
    ClusterHarness::Node& b = cluster.add({.format = GetParam()});
    std::shared_ptr<socketio::LoopbackDriver> driver =
        cluster.broker->make_driver(cluster.broker_loop.get_executor());
    socketio::Emitter emitter{driver, {.format = GetParam()}};
};

TEST_P(EmitterTest, EmitReachesEverySocketOfEveryServerWithItsArguments) {
    auto a1 = join(a, 0), a2 = join(a, 1), b1 = join(b);
    emitter.emit("none");
    emitter.emit("one", json::array({1, 2}));  // one argument that is a list
    emitter.emit("three", 1, "x", json{{"k", true}});
    cluster.poll();
    for (auto* m : {&a1, &a2, &b1}) {
        EXPECT_EQ(m->client.events("none"), std::vector<json>{json::array()}) << m->sid;
        EXPECT_EQ(m->client.events("one"), std::vector<json>{json::array({json::array({1, 2})})});
        EXPECT_EQ(m->client.events("three"),
                  std::vector<json>{json::array({1, "x", json{{"k", true}}})});
    }
    EXPECT_EQ(emitter.emitted(), 3u);
}

struct Point {
    int x = 0;
    int y = 0;
};
void to_json(nlohmann::json& j, const Point& p) {
    j = {{"x", p.x}, {"y", p.y}};
}

TEST_P(EmitterTest, ArgumentsConvertAsServerEmitConvertsThem) {
    auto b1 = join(b);
    emitter.emit("typed", Point{1, 2}, std::vector<int>{3, 4}, std::string("s"), 2.5, nullptr);
    emitter.send("hello");
    cluster.poll();
    EXPECT_EQ(b1.client.events("typed"),
              std::vector<json>{json::array({{{"x", 1}, {"y", 2}}, {3, 4}, "s", 2.5, nullptr})});
    EXPECT_EQ(b1.client.events("message"), std::vector<json>{json::array({"hello"})});
}

TEST_P(EmitterTest, BinaryArgumentsArriveAsBinary) {
    auto a1 = join(a), b1 = join(b);
    const std::string bytes("\x00\x01\xff", 3);
    emitter.emit("file", socketio::binary(bytes), json{{"name", "f"}});
    cluster.poll();
    for (auto* m : {&a1, &b1}) {
        auto events = m->client.events("file");
        ASSERT_EQ(events.size(), 1u);
        ASSERT_TRUE(events[0][0].is_binary()) << events[0].dump();
        const std::vector<std::uint8_t>& got = events[0][0].get_binary();
        EXPECT_EQ(got, (std::vector<std::uint8_t>{0, 1, 255}));
        EXPECT_EQ(events[0][1], json({{"name", "f"}}));
    }
}

TEST_P(EmitterTest, RoomsAndExceptionsAcrossServers) {
    auto a1 = join(a), a2 = join(a), b1 = join(b), b2 = join(b);
    a.io().enter_room(a1.sid, "team");
    a.io().enter_room(a2.sid, "team");
    b.io().enter_room(b1.sid, "team");
    b.io().enter_room(b1.sid, "muted");
    cluster.poll();
    emitter.to("team").except(a2.sid).emit("msg", 1);
    emitter.to("team").except("muted").emit("quiet", 2);
    emitter.to({b2.sid, a2.sid}).emit("direct");
    emitter.except(std::vector<std::string>{"team"}).emit("others");
    cluster.poll();
    EXPECT_EQ(a1.client.events("msg").size(), 1u);
    EXPECT_TRUE(a2.client.events("msg").empty());
    EXPECT_EQ(b1.client.events("msg").size(), 1u);
    EXPECT_TRUE(b2.client.events("msg").empty());

    EXPECT_EQ(a1.client.events("quiet").size(), 1u);
    EXPECT_EQ(a2.client.events("quiet").size(), 1u);
    EXPECT_TRUE(b1.client.events("quiet").empty());

    EXPECT_EQ(a2.client.events("direct").size(), 1u);
    EXPECT_EQ(b2.client.events("direct").size(), 1u);
    EXPECT_TRUE(a1.client.events("direct").empty());
    EXPECT_TRUE(b1.client.events("direct").empty());

    EXPECT_EQ(b2.client.events("others").size(), 1u);
    for (auto* m : {&a1, &a2, &b1}) EXPECT_TRUE(m->client.events("others").empty());
}

TEST_P(EmitterTest, NamespacesAreSeparate) {
    b.io().of("/chat");
    auto root = join(b);
    auto chat = join(b, 0, "/chat");
    emitter.of("/chat").emit("news", "chat");
    emitter.of("chat").emit("news", "no slash");  // "/chat" too
    emitter.of("/missing").emit("news", "nowhere");
    cluster.poll();
    EXPECT_EQ(chat.client.events("news", "/chat"),
              (std::vector<json>{json::array({"chat"}), json::array({"no slash"})}));
    EXPECT_TRUE(root.client.events("news").empty());
}

TEST_P(EmitterTest, SocketsJoinAndLeaveBySidAndByRoom) {
    auto a1 = join(a), b1 = join(b), b2 = join(b);
    emitter.to(b1.sid).sockets_join("vip");  // python's enter_room
    emitter.to(a1.sid).sockets_join(std::vector<std::string>{"vip", "x"});
    cluster.poll();
    EXPECT_EQ(b.io().of("/").sockets("vip"), std::vector<std::string>{b1.sid});
    EXPECT_EQ(a.io().of("/").sockets("vip"), std::vector<std::string>{a1.sid});
    EXPECT_EQ(a.io().of("/").sockets("x"), std::vector<std::string>{a1.sid});

    emitter.to("vip").sockets_join("gold");  // a room, not a sid: cpp:sockets_join
    emitter.except("vip").sockets_join("plain");
    cluster.poll();
    EXPECT_EQ(a.io().of("/").sockets("gold"), std::vector<std::string>{a1.sid});
    EXPECT_EQ(b.io().of("/").sockets("gold"), std::vector<std::string>{b1.sid});
    EXPECT_EQ(b.io().of("/").sockets("plain"), std::vector<std::string>{b2.sid});
    EXPECT_TRUE(a.io().of("/").sockets("plain").empty());

    emitter.to(b1.sid).sockets_leave("vip");  // python's leave_room
    emitter.to("gold").sockets_leave(std::vector<std::string>{"x", "gold"});
    cluster.poll();
    EXPECT_TRUE(b.io().of("/").sockets("vip").empty());
    EXPECT_EQ(a.io().of("/").sockets("vip"), std::vector<std::string>{a1.sid});
    EXPECT_TRUE(a.io().of("/").sockets("x").empty());
    EXPECT_TRUE(a.io().of("/").sockets("gold").empty());
    EXPECT_TRUE(b.io().of("/").sockets("gold").empty());
}

TEST_P(EmitterTest, DisconnectSocketsAndCloseRoom) {
    auto a1 = join(a), a2 = join(a), b1 = join(b), b2 = join(b);
    a.io().enter_room(a2.sid, "r");
    b.io().enter_room(b1.sid, "r");
    b.io().enter_room(b2.sid, "r");
    cluster.poll();
    emitter.close_room("r");
    cluster.poll();
    EXPECT_TRUE(a.io().of("/").sockets("r").empty());
    EXPECT_TRUE(b.io().of("/").sockets("r").empty());

    emitter.to(b1.sid).disconnect_sockets();  // python's disconnect
    cluster.poll();
    EXPECT_FALSE(b.io().socket(b1.sid));
    EXPECT_TRUE(b.io().socket(b2.sid));

    emitter.except(a1.sid).disconnect_sockets(true);  // closes their connections too
    cluster.poll();
    EXPECT_TRUE(a.io().socket(a1.sid));
    EXPECT_FALSE(a.io().socket(a2.sid));
    EXPECT_FALSE(b.io().socket(b2.sid));
    EXPECT_TRUE(b2.client.session->closed());
    EXPECT_FALSE(a1.client.session->closed());
}

TEST_P(EmitterTest, ServerSideEmitReachesEveryServer) {
    std::vector<std::string> heard;
    for (auto* node : {&a, &b}) {
        node->io().on_server_side("sync", [&heard, node, this](const json& args) {
            heard.push_back((node == &a ? "a:" : "b:") + args.dump());
            return json();
        });
    }
    emitter.server_side_emit("sync", 1, "two");
    cluster.poll();
    std::sort(heard.begin(), heard.end());
    EXPECT_EQ(heard, (std::vector<std::string>{"a:[1,\"two\"]", "b:[1,\"two\"]"}));
}

TEST_P(EmitterTest, ItsMessagesAreTheServersOwn) {
    if (GetParam() != socketio::ClusterFormat::python_socketio) {
        GTEST_SKIP() << "reads python-socketio's JSON messages (Node's bytes: node_emitter_wire)";
    }
    auto peer = cluster.peer();
    emitter.to("r").except("s").emit("ev", 1, "two");
    a.io().to("r").except("s").emit("ev", 1, "two");
    cluster.poll();
    auto emits = peer.messages("emit");
    ASSERT_EQ(emits.size(), 2u);
    EXPECT_EQ(emits[0]["host_id"], emitter.host_id());
    EXPECT_EQ(emits[1]["host_id"], a.io().of("/").server_id());
    EXPECT_NE(emitter.host_id(), a.io().of("/").server_id());
    emits[0].erase("host_id");
    emits[1].erase("host_id");
    EXPECT_EQ(emits[0], emits[1]);
    EXPECT_EQ(emits[0],
              json::parse(R"({"method":"emit","event":"ev","data":[1,"two"],"namespace":"/",)"
                          R"("room":"r","skip_sid":"s","callback":null,"cpp_args":true})"));
}

TEST_P(EmitterTest, ReservedNamesAreRefused) {
    for (const char* name : {"connect", "disconnect", "connect_error", "disconnecting"}) {
        EXPECT_THROW(emitter.emit(name), std::system_error) << name;
        EXPECT_THROW(emitter.server_side_emit(name), std::system_error) << name;
    }
    EXPECT_EQ(emitter.emitted(), 0u);
}

TEST_P(EmitterTest, FlushTellsWhenEverythingReachedTheBroker) {
    emitter.emit("a");
    // The loopback driver hands a message to the broker when it is published (connected).
    EXPECT_FALSE(emitter.flush(1s));

    driver->simulate_outage();
    emitter.emit("b");
    EXPECT_EQ(emitter.flush(20ms), socketio::emitter_error::flush_timeout);
    driver->restore();
    EXPECT_FALSE(emitter.flush(1s));

    std::optional<std::error_code> async_result;
    emitter.emit("c");
    emitter.async_flush(cluster.broker_loop.get_executor(), 1s,
                        [&](std::error_code ec) { async_result = ec; });
    ASSERT_TRUE(cluster.poll_until([&] { return async_result.has_value(); }));
    EXPECT_FALSE(*async_result);

    emitter.close();
    EXPECT_FALSE(emitter.flush(1s)) << "everything went out before the close";
    emitter.emit("late");  // dropped
    EXPECT_EQ(emitter.flush(1s), socketio::emitter_error::closed);
}

TEST_P(EmitterTest, FlushReportsDroppedMessages) {
    auto small = cluster.broker->make_driver(cluster.broker_loop.get_executor(), {.max_queued = 1});
    socketio::Emitter e{small};
    small->simulate_outage();
    e.emit("kept");
    e.emit("dropped");
    EXPECT_EQ(e.flush(1s), socketio::emitter_error::messages_dropped);
    EXPECT_EQ(std::error_code(socketio::emitter_error::messages_dropped).message(),
              "the driver dropped messages (its outgoing queue was full)");
}

INSTANTIATE_TEST_SUITE_P(Formats, EmitterTest,
                         ::testing::Values(socketio::ClusterFormat::python_socketio,
                                           socketio::ClusterFormat::node_redis_adapter),
                         [](const auto& info) {
                             return info.param == socketio::ClusterFormat::python_socketio
                                        ? std::string("python")
                                        : std::string("node");
                         });

TEST(EmitterOptionsTest, RefusesWhatCannotWork) {
    boost::asio::io_context loop;
    auto broker = socketio::LoopbackBroker::create();
    EXPECT_THROW(socketio::Emitter(nullptr), std::invalid_argument);
    // A format this build does not have (a number cast to the enum).
    EXPECT_THROW(socketio::Emitter(broker->make_driver(loop.get_executor()),
                                   {.format = static_cast<socketio::ClusterFormat>(77)}),
                 std::invalid_argument);
}

TEST(EmitterChannelTest, UsesItsChannel) {
    ClusterHarness cluster;
    auto& a = cluster.add({.channel = "chat"});
    auto& b = cluster.add();  // on "socketio": must not hear it
    auto a1 = join(a), b1 = join(b);
    socketio::Emitter emitter{cluster.broker->make_driver(cluster.broker_loop.get_executor()),
                              {.channel = "chat"}};
    emitter.emit("news");
    cluster.poll();
    EXPECT_EQ(a1.client.events("news").size(), 1u);
    EXPECT_TRUE(b1.client.events("news").empty());
    // No channel: the format's default, the one `b` uses.
    socketio::Emitter by_default{cluster.broker->make_driver(cluster.broker_loop.get_executor())};
    by_default.emit("weather");
    cluster.poll();
    EXPECT_TRUE(a1.client.events("weather").empty());
    EXPECT_EQ(b1.client.events("weather").size(), 1u);
}

}  // namespace
}  // namespace sio_test
