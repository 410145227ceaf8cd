// emit, send and get_received: events both ways, the buffer cleared per namespace, Args.

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(Events, EmitReachesTheHandlerWithItsArguments) {
    socketio::Server io;
    json got;
    io.on("add", [&](socketio::Socket&, int a, int b, const json& note) {
        got = json::array({a, b, note});
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.emit("add", 2, 3, json{{"why", "test"}});
    EXPECT_EQ(got, json::array({2, 3, {{"why", "test"}}}));
}

TEST(Events, ReceivedEventsComeInOrderAndTheBufferIsCleared) {
    socketio::Server io;
    io.on_connect([](socketio::Socket& s) { s.emit("welcome", "hi"); });
    io.on("echo", [](socketio::Socket& s, socketio::Args args) { s.emit("echo", args); });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.emit("echo", 1, "two", json{{"three", 3}});

    auto received = client.get_received();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0].name, "welcome");
    EXPECT_EQ(received[0].args, json::array({"hi"}));
    EXPECT_EQ(received[0].nsp, "/");
    EXPECT_EQ(received[1].name, "echo");
    EXPECT_EQ(received[1].args, json::array({1, "two", {{"three", 3}}}));
    EXPECT_TRUE(client.get_received().empty());
}

TEST(Events, SendIsTheMessageEvent) {
    socketio::Server io;
    json got;
    io.on("message", [&](socketio::Socket& s, const json& data) {
        got = data;
        s.send("pong");
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.send("ping");
    EXPECT_EQ(got, "ping");
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].name, "message");
    EXPECT_EQ(received[0].args, json::array({"pong"}));
}

TEST(Events, EmitFromTheServerOutsideAHandlerIsSeen) {
    socketio::Server io;
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    io.emit("news", "extra");  // from the test thread: posted to the client's loop
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].name, "news");
}

TEST(Events, EmitWithoutConnectionThrows) {
    socketio::Server io;
    TestClient client{io};
    try {
        client.emit("x");
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), socketio::testing::error::not_connected);
    }
}

TEST(Events, ArgsAreSentAsSeveralArguments) {
    socketio::Server io;
    std::size_t count = 0;
    io.on("many", [&](socketio::Socket&, socketio::Args args) { count = args.size(); });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.emit_args("many", json::array({1, 2, 3, 4}));
    EXPECT_EQ(count, 4u);
}
