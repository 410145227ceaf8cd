// The Emitter over a real Redis: what it emits reaches the socket.io-client clients of our
// servers (joined by redis_adapter(), the one-line form) — arguments, binary, rooms, except,
// namespaces — and flush() says so, or says that Redis is unreachable.

#include "cluster_server_fixture.hpp"

namespace redistest {
namespace {

using RedisEmitter = RedisWithNode;

TEST_F(RedisEmitter, ReachesTheClientsOfOurServers) {
    ClusterServer a(redis_.url()), b(redis_.url());
    Listener in_room(a.url(), "/", {"r1"}, 2);
    Listener other(b.url(), "/", {}, 3);
    Listener chat(b.url(), "/chat", {"r1"}, 1);
    const std::string room_sid = in_room.ready();
    const std::string other_sid = other.ready();
    ASSERT_FALSE(room_sid.empty());
    ASSERT_FALSE(other_sid.empty());
    ASSERT_FALSE(chat.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 2));

    auto emitter = socketio::redis_emitter(redis_.url());
    emitter.to("r1").emit("news", 1, "two", socketio::binary(std::string("\x00\xff", 2)));
    emitter.except(room_sid).emit("all-but", json{{"k", nullptr}});
    emitter.emit("all");
    emitter.to(other_sid).emit("direct", json::array({1, 2}));
    emitter.of("/chat").to("r1").emit("chat", "hi");
    EXPECT_FALSE(emitter.flush(10s));
    EXPECT_EQ(emitter.emitted(), 5u);

    std::string failure;
    EXPECT_EQ(in_room.events(&failure),
              (std::vector<json>{json::array({"news", 1, "two", {{"binary", {0, 255}}}}),
                                 json::array({"all"})}))
        << failure;
    EXPECT_EQ(other.events(&failure),
              (std::vector<json>{json::array({"all-but", {{"k", nullptr}}}), json::array({"all"}),
                                 json::array({"direct", {1, 2}})}))
        << failure;
    EXPECT_EQ(chat.events(&failure), (std::vector<json>{json::array({"chat", "hi"})})) << failure;
}

TEST_F(RedisEmitter, RedisAdapterJoinsOurServersInOneLine) {
    ClusterServer a(redis_.url()), b(redis_.url());
    Listener on_b(b.url(), "/", {"team"}, 1);
    ASSERT_FALSE(on_b.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 2));
    a.io().to("team").emit("from-a", 42);
    std::string failure;
    EXPECT_EQ(on_b.events(&failure), (std::vector<json>{json::array({"from-a", 42})})) << failure;
}

TEST_F(RedisEmitter, AnAckAcrossOurServersOverRedis) {
    // One sid addressed: the python callback form (docs/cluster.md), answered by our server
    // with its count and the answer.
    ClusterServer a(redis_.url()), b(redis_.url());
    Listener on_b(b.url(), "/", {}, 1);
    const std::string sid = on_b.ready();
    ASSERT_FALSE(sid.empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 2));
    std::promise<std::pair<std::error_code, std::vector<json>>> answer;
    a.io().to(sid).timeout(10s).emit_with_ack("ask", "q",
                                              [&](std::error_code ec, std::vector<json> answers) {
                                                  answer.set_value({ec, std::move(answers)});
                                              });
    auto future = answer.get_future();
    ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
    auto [ec, answers] = future.get();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(answers, (std::vector<json>{json::array({{{"answered", "ask"}, {"args", {"q"}}}})}));
}

TEST_F(RedisEmitter, FlushSaysWhenRedisIsUnreachable) {
    const std::string url = redis_.url();
    redis_.stop();  // nothing listens on its port now
    auto emitter =
        socketio::redis_emitter(url, {}, {.connect_timeout = std::chrono::milliseconds(200)});
    emitter.emit("lost");
    EXPECT_EQ(emitter.flush(std::chrono::milliseconds(300)),
              socketio::emitter_error::flush_timeout);
}

TEST(RedisEmitterUrl, ABadUrlIsRefusedAtOnce) {
    try {
        socketio::redis_emitter("http://localhost");
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), socketio::redis_error::invalid_url);
    }
    EXPECT_THROW(socketio::redis_adapter("redis://host:notaport"), std::system_error);
}

}  // namespace
}  // namespace redistest
