// Emits and room operations from other threads while the loops run on their own threads; handlers
// on the worker pool with handlers.async.

#include "harness.hpp"

namespace sio_test {
namespace {

TEST(Threads, EmitFromAnotherThreadArrivesInOrder) {
    Harness h;
    auto c = h.connected("/", 1);
    auto socket = *h.io->socket(c.sid());
    h.run_threads();
    std::thread other([&] {
        for (int i = 0; i < 200; ++i) socket.emit("n", i);
    });
    other.join();
    auto done = [&] { return c.session->sent().size() >= 201; };  // CONNECT + 200
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    h.stop_threads();
    auto events = c.events("n");
    ASSERT_EQ(events.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(events[i], json({i}));
}

TEST(Threads, BroadcastAndRoomsFromManyThreads) {
    Harness h;
    std::vector<FakeClient> clients;
    for (int i = 0; i < 6; ++i) clients.push_back(h.connected("/", i % 2));
    // FakeClient is not thread-safe (sid() decodes what the server sent): read the sids here.
    std::vector<std::string> sids;
    for (auto& c : clients) sids.push_back(c.sid());
    h.run_threads();
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            for (const auto& sid : sids) h.io->enter_room(sid, "room" + std::to_string(t));
            for (int i = 0; i < 20; ++i) h.io->to("room" + std::to_string(t)).emit("tick", t, i);
        });
    }
    for (auto& t : threads) t.join();
    h.io->emit("final");  // posted after every join and emit above, to every loop
    auto all_final = [&] {
        for (auto& c : clients) {
            auto sent = c.session->sent();
            if (sent.empty() || sent.back().data().find("final") == std::string_view::npos)
                return false;
        }
        return true;
    };
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!all_final() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    h.stop_threads();
    for (auto& c : clients) {
        EXPECT_EQ(c.events("final").size(), 1u);
        // Joins are posted before each thread's emits, so every tick reaches every client.
        EXPECT_EQ(c.events("tick").size(), 60u);
        EXPECT_EQ(h.io->rooms(c.sid()).size(), 4u);
    }
}

TEST(Threads, AsyncHandlersRunOffTheLoop) {
    std::mutex mutex;
    std::thread::id handler_thread;
    Harness h({.handlers = {.async = true, .threads = 2}});
    std::thread::id loop_thread;
    h.io->on("work", [&](socketio::Socket&, int x) {
        std::lock_guard lock(mutex);
        handler_thread = std::this_thread::get_id();
        return x * 10;
    });
    auto c = h.connected("/", 0);
    boost::asio::post(h.loop(0), [&] { loop_thread = std::this_thread::get_id(); });
    h.poll();
    c.emit("work", {4}, "/", 1);
    EXPECT_TRUE(h.poll_until([&] {
        for (const auto& p : c.packets()) {
            if (p.type == PacketType::ack) return true;
        }
        return false;
    }));
    std::lock_guard lock(mutex);
    EXPECT_NE(handler_thread, std::thread::id{});
    EXPECT_NE(handler_thread, loop_thread);
    EXPECT_EQ(c.of_type(PacketType::ack).at(0).data, json({40}));
}

TEST(Threads, SlowAsyncHandlerDoesNotStallOthers) {
    std::atomic<bool> release{false};
    Harness h({.handlers = {.async = true, .threads = 2}});
    h.io->on("slow", [&](socketio::Socket&) {
        while (!release) std::this_thread::sleep_for(1ms);
    });
    h.io->on("fast", [](socketio::Socket&) { return "fast"; });
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 0);
    a.emit("slow");
    b.emit("fast", json::array(), "/", 1);
    const bool fast_answered = h.poll_until([&] { return !b.of_type(PacketType::ack).empty(); });
    release = true;
    EXPECT_TRUE(fast_answered);
}

}  // namespace
}  // namespace sio_test
