// A started server (its loops on their own threads): the client waits for them instead of
// running them (Drive::wait, chosen by Drive::automatic).

#include <future>

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(RunningLoops, StartedServerWorksToo) {
    socketio::Server io{{.engine = {.threads = 2}}};
    io.on("join", [](socketio::Socket& s, const std::string& room) { s.join(room); });
    io.on("say", [](socketio::Socket& s, const std::string& room, const json& text) {
        s.to(room).emit("said", text);
        return "sent";
    });
    io.on("ask", [](socketio::Socket& s) {
        s.emit_with_ack("q", [s](std::error_code ec, json args) {
            if (!ec) s.emit("answered", args);
        });
    });
    io.listen("127.0.0.1", 0);
    io.start();
    ASSERT_TRUE(io.running());
    {
        TestClient ann{io, {.loop = 0}}, bob{io, {.loop = 1}};
        ASSERT_TRUE(ann.connect());
        ASSERT_TRUE(bob.connect());
        ann.emit("join", "r");
        EXPECT_EQ(bob.emit_with_ack("say", "r", "hi").args, json::array({"sent"}));
        auto received = ann.get_received();
        ASSERT_EQ(received.size(), 1u);
        EXPECT_EQ(received[0].args, json::array({"hi"}));

        bob.on("q", [](const json&) { return socketio::Ack{"a"}; });
        bob.emit("ask");
        auto answered = bob.get_received();
        ASSERT_EQ(answered.size(), 2u);
        EXPECT_EQ(answered[0].name, "q");
        EXPECT_EQ(answered[1].name, "answered");
        EXPECT_EQ(answered[1].args, json::array({json::array({"a"})}));
    }
    io.stop();
    EXPECT_FALSE(io.running());
}

TEST(RunningLoops, StartedServerWithAsyncHandlers) {
    socketio::Server io{{.engine = {.threads = 2}, .handlers = {.async = true, .threads = 2}}};
    io.on("confirm", [](socketio::Socket& s) {
        std::promise<json> answer;
        s.emit_with_ack("sure?", [&answer](std::error_code ec, json args) {
            answer.set_value(ec ? json("error") : args);
        });
        return answer.get_future().get();  // a pool thread blocked until the client answers
    });
    io.listen("127.0.0.1", 0);
    io.start();
    {
        TestClient client{io};
        client.on("sure?", [](const json&) { return socketio::Ack{"yes"}; });
        ASSERT_TRUE(client.connect());
        auto ack = client.emit_with_ack("confirm");
        ASSERT_FALSE(ack.ec) << ack.ec.message();
        EXPECT_EQ(ack.args, json::array({json::array({"yes"})}));
    }
    io.stop();
}
