// handlers.async: handlers run on the worker pool; the client waits until every pool thread is
// idle, so their effects are visible when its call returns.

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;
using namespace std::chrono_literals;

TEST(AsyncHandlers, EffectsAreVisibleWhenTheCallReturns) {
    socketio::Server io{{.handlers = {.async = true, .threads = 3}}};
    std::atomic<int> done{0};
    std::atomic<bool> on_worker{false};
    const auto test_thread = std::this_thread::get_id();  // the one that runs the loops here
    io.on("slow", [&](socketio::Socket& s, int n) {
        on_worker = std::this_thread::get_id() != test_thread;
        std::this_thread::sleep_for(30ms);  // a blocking handler: what the pool is for
        done += n;
        s.emit("slow done", n);
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.emit("slow", 5);
    EXPECT_TRUE(on_worker);
    EXPECT_EQ(done, 5);  // no wait in the test: emit() returned after the handler finished
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].args, json::array({5}));
}

TEST(AsyncHandlers, AckFromThePool) {
    socketio::Server io{{.handlers = {.async = true}}};  // threads: one per core
    io.on("square", [](socketio::Socket&, int n) {
        std::this_thread::sleep_for(10ms);
        return n * n;
    });
    TestClient ann{io}, bob{io};
    ASSERT_TRUE(ann.connect() && bob.connect());
    EXPECT_EQ(ann.emit_with_ack("square", 7).args, json::array({49}));
    EXPECT_EQ(bob.emit_with_ack("square", 9).args, json::array({81}));
}

TEST(AsyncHandlers, ServerAckRequestedFromThePoolIsAnswered) {
    socketio::Server io{{.handlers = {.async = true, .threads = 2}}};
    std::atomic<int> answer{0};
    io.on("ask", [&](socketio::Socket& s) {
        s.emit_with_ack("q", [&](std::error_code ec, json args) {
            if (!ec) answer = args.at(0).get<int>();
        });
    });
    TestClient client{io};
    client.on("q", [](const json&) { return socketio::Ack{7}; });
    ASSERT_TRUE(client.connect());
    client.emit("ask");
    EXPECT_EQ(answer, 7);
}

TEST(AsyncHandlers, HandlerBlockingOnTheClientsAckFinishes) {
    // A pool handler may block until the client answers: the client answers while it waits for
    // the pool, instead of waiting for the pool first (which would never end).
    socketio::Server io{{.handlers = {.async = true, .threads = 1}}};
    io.on("confirm", [](socketio::Socket& s) {
        std::promise<json> answer;
        s.emit_with_ack("sure?", [&answer](std::error_code ec, json args) {
            answer.set_value(ec ? json("error") : args);
        });
        return answer.get_future().get();  // blocks this pool thread until the ack
    });
    TestClient client{io};
    client.on("sure?", [](const json&) { return socketio::Ack{"yes"}; });
    ASSERT_TRUE(client.connect());
    auto ack = client.emit_with_ack("confirm");
    ASSERT_FALSE(ack.ec);
    EXPECT_EQ(ack.args, json::array({json::array({"yes"})}));
}
