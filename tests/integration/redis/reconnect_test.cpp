// Redis killed under traffic, then restarted on the same port: the driver reports the outage,
// queues what is published meanwhile up to its bound (counting exactly what it drops), reconnects,
// resubscribes, and sends the queue in order.

#include "driver_fixture.hpp"

#include <atomic>

namespace redistest {
namespace {

using socketio::DriverState;

TEST(Reconnect, RedisKilledUnderTrafficThenRestarted) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    LogCapture log;
    Recorder seen;
    constexpr std::size_t bound = 100;
    auto driver = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(),
                        .reconnect_max_delay = std::chrono::milliseconds(300),
                        .max_queued_messages = bound});
    Recorder traffic_states;
    auto traffic = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(),
                        .subscriber = false,
                        .reconnect_max_delay = std::chrono::milliseconds(300)});
    driver->subscribe({"chan", "traffic"});
    driver->start(seen.on_message(), seen.on_state());
    traffic->start({}, traffic_states.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    ASSERT_TRUE(traffic_states.wait_for_state(DriverState::connected));

    // Traffic from another driver, and Redis killed in the middle of it.
    std::atomic<bool> stop_traffic = false;
    std::thread traffic_thread([&] {
        for (int i = 0; !stop_traffic; ++i) {
            traffic->publish("traffic", std::to_string(i));
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });
    ASSERT_TRUE(seen.wait_for_messages(50));
    redis.stop();
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    ASSERT_TRUE(traffic_states.wait_for_state(DriverState::disconnected));
    stop_traffic = true;
    traffic_thread.join();
    const std::size_t received_before = seen.messages().size();

    // While Redis is down: the first `bound` messages wait, the rest are dropped and counted.
    constexpr std::size_t published_while_down = bound + 50;
    for (std::size_t i = 0; i < published_while_down; ++i) {
        driver->publish("chan", "down " + std::to_string(i));
    }
    EXPECT_EQ(driver->stats().dropped, published_while_down - bound);

    redis.start();  // the same port
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected, 2));
    driver->publish("chan", "after");
    // (The traffic driver's own queue may arrive around it: look for it anywhere.)
    const auto received = [&](const Message& wanted) {
        return seen.wait([&](const auto& messages, const auto&) {
            return std::find(messages.begin(), messages.end(), wanted) != messages.end();
        });
    };
    ASSERT_TRUE(received({"chan", "after"}));

    // Exactly the queued messages, in order, then the new one: on "chan", which the driver
    // subscribed to again on its own.
    std::vector<std::string> on_chan;
    const auto messages = seen.messages();
    for (std::size_t i = received_before; i < messages.size(); ++i) {
        if (messages[i].channel == "chan") on_chan.push_back(messages[i].payload);
    }
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < bound; ++i) expected.push_back("down " + std::to_string(i));
    expected.push_back("after");
    EXPECT_EQ(on_chan, expected);

    const auto states = seen.states();
    ASSERT_GE(states.size(), 4u);
    EXPECT_EQ(states[0], DriverState::connecting);
    EXPECT_EQ(states[1], DriverState::connected);
    EXPECT_EQ(states[2], DriverState::disconnected);
    EXPECT_EQ(states.back(), DriverState::connected);
    for (std::size_t i = 2; i + 1 < states.size(); ++i) {
        EXPECT_NE(states[i], DriverState::connected) << "connected while Redis was down";
    }
    EXPECT_EQ(driver->stats().reconnects, 1u);
    EXPECT_EQ(driver->stats().dropped, published_while_down - bound);
    EXPECT_TRUE(eventually([&] {
        return log.text().find("redis: 50 messages dropped while disconnected") !=
               std::string::npos;
    })) << log.text();

    // The traffic driver came back too.
    ASSERT_TRUE(traffic_states.wait_for_state(DriverState::connected, 2));
    traffic->publish("traffic", "back");
    ASSERT_TRUE(received({"traffic", "back"}));
}

}  // namespace
}  // namespace redistest
