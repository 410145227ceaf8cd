// close(): what was published goes out first (within the grace), no handler runs once it has
// returned, it may be called from a handler, and destroying a driver from another thread while
// messages flow is safe.

#include "driver_fixture.hpp"

#include <atomic>

namespace redistest {
namespace {

using socketio::DriverState;

class Close : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        redis_.start();
    }
    socketio::DriverPtr started(Recorder& recorder, std::vector<std::string> channels = {}) {
        auto driver = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
        if (!channels.empty()) driver->subscribe(std::move(channels));
        driver->start(recorder.on_message(), recorder.on_state());
        EXPECT_TRUE(recorder.wait_for_state(DriverState::connected));
        return driver;
    }
    // Publishes `count` messages on `channel` from a driver of its own, then closes it.
    void flood(const std::string& channel, int count) {
        Recorder states;
        auto publisher = started(states);
        for (int i = 0; i < count; ++i) publisher->publish(channel, std::to_string(i));
        publisher->close();
    }

    siotest::RedisServerProcess redis_;
    IoThread io_;
};

TEST_F(Close, FlushesWhatWasPublishedBeforeClosing) {
    Recorder seen;
    auto subscriber = started(seen, {"flush"});
    Recorder publisher_states;
    auto publisher = started(publisher_states);
    for (int i = 0; i < 2000; ++i) publisher->publish("flush", std::to_string(i));
    publisher->close();
    EXPECT_EQ(publisher->state(), DriverState::closed);
    ASSERT_TRUE(seen.wait_for_messages(2000));
    EXPECT_EQ(seen.messages().back().payload, "1999");
    publisher->publish("flush", "after close: ignored");
    EXPECT_EQ(publisher->stats().dropped, 0u);
}

TEST_F(Close, NoHandlerRunsAfterCloseReturns) {
    std::atomic<int> calls = 0;
    std::atomic<bool> closed = false;
    std::atomic<bool> called_after_close = false;
    Recorder states;
    auto subscriber = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    subscriber->subscribe({"flood"});
    subscriber->start(
        [&](std::string_view, std::string_view) {
            if (closed) called_after_close = true;
            ++calls;
        },
        states.on_state());
    ASSERT_TRUE(states.wait_for_state(DriverState::connected));
    std::thread publisher([&] { flood("flood", 20000); });
    ASSERT_TRUE(eventually([&] { return calls > 100; }));
    subscriber->close();
    closed = true;
    publisher.join();
    const int calls_at_close = calls;
    std::this_thread::sleep_for(200ms);  // deliveries that were on their way have had time
    EXPECT_EQ(calls, calls_at_close);
    EXPECT_FALSE(called_after_close);
    EXPECT_EQ(states.states().back(), DriverState::connected);  // closing is not announced
}

TEST_F(Close, CloseFromInsideAHandler) {
    std::atomic<int> calls = 0;
    socketio::DriverPtr subscriber =
        socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    Recorder states;
    subscriber->subscribe({"once"});
    subscriber->start(
        [&](std::string_view, std::string_view) {
            ++calls;
            subscriber->close();
        },
        states.on_state());
    ASSERT_TRUE(states.wait_for_state(DriverState::connected));
    flood("once", 50);
    ASSERT_TRUE(eventually([&] { return calls > 0; }));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(subscriber->state(), DriverState::closed);
}

TEST_F(Close, DestroyedFromAnotherThreadWhileMessagesFlow) {
    for (int round = 0; round < 5; ++round) {
        std::atomic<int> calls = 0;
        Recorder states;
        auto subscriber = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
        subscriber->subscribe({"flow"});
        subscriber->start([&](std::string_view, std::string_view) { ++calls; }, states.on_state());
        ASSERT_TRUE(states.wait_for_state(DriverState::connected));
        std::thread publisher([&] { flood("flow", 5000); });
        ASSERT_TRUE(eventually([&] { return calls > 10; }));
        std::thread destroyer([driver = std::move(subscriber)]() mutable { driver.reset(); });
        destroyer.join();
        const int calls_at_destruction = calls;
        publisher.join();
        std::this_thread::sleep_for(50ms);
        EXPECT_EQ(calls, calls_at_destruction);
    }
}

}  // namespace
}  // namespace redistest
