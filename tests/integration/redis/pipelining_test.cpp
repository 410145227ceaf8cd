// Many messages published at once (from several threads) go out pipelined, none lost, each
// thread's order kept, every one acknowledged.

#include <map>

#include "driver_fixture.hpp"

namespace redistest {
namespace {

TEST(Pipelining, ManyPublishesArriveInOrderFromEachThread) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    Recorder seen;
    auto subscriber = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    auto publisher = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(), .subscriber = false, .max_queued_messages = 100'000});
    subscriber->subscribe({"pipeline"});
    subscriber->start(seen.on_message(), seen.on_state());
    Recorder publisher_states;
    publisher->start({}, publisher_states.on_state());
    ASSERT_TRUE(seen.wait_for_state(socketio::DriverState::connected));
    ASSERT_TRUE(publisher_states.wait_for_state(socketio::DriverState::connected));

    constexpr int threads = 4;
    constexpr int per_thread = 5000;
    std::vector<std::thread> publishers;
    for (int t = 0; t < threads; ++t) {
        publishers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                publisher->publish("pipeline", std::to_string(t) + ":" + std::to_string(i));
            }
        });
    }
    for (auto& thread : publishers) thread.join();

    ASSERT_TRUE(seen.wait_for_messages(threads * per_thread, std::chrono::seconds(60)))
        << seen.messages().size();
    std::map<int, int> next;  // thread → the index expected next
    for (const auto& message : seen.messages()) {
        const auto colon = message.payload.find(':');
        const int t = std::stoi(message.payload.substr(0, colon));
        const int i = std::stoi(message.payload.substr(colon + 1));
        ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
        next[t] = i + 1;
    }
    EXPECT_TRUE(eventually([&] { return publisher->stats().published == threads * per_thread; }));
    EXPECT_EQ(publisher->stats().dropped, 0u);
    EXPECT_EQ(subscriber->stats().received, static_cast<std::uint64_t>(threads * per_thread));
}

}  // namespace
}  // namespace redistest
