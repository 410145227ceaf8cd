// A message over max_incoming_message_bytes (a hostile publisher): the subscriber drops the
// connection instead of buffering it, logs why, reconnects, and goes on receiving.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

TEST(OversizedMessage, DropsTheConnectionAndReconnects) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    LogCapture log;
    Recorder seen;
    auto subscriber = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(), .max_incoming_message_bytes = 1 << 20});
    Recorder publisher_states;
    auto publisher = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(), .subscriber = false, .max_queued_bytes = 32 << 20});
    subscriber->subscribe({"big", "small"});
    subscriber->start(seen.on_message(), seen.on_state());
    publisher->start({}, publisher_states.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    ASSERT_TRUE(publisher_states.wait_for_state(DriverState::connected));

    publisher->publish("small", "before");
    publisher->publish("big", std::string(8 << 20, 'x'));
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected, 2));
    publisher->publish("small", "after");
    ASSERT_TRUE(seen.wait_for_messages(2));
    EXPECT_EQ(seen.messages(), (std::vector<Message>{{"small", "before"}, {"small", "after"}}));
    EXPECT_NE(log.text().find("over max_incoming_message_bytes"), std::string::npos) << log.text();
}

}  // namespace
}  // namespace redistest
