// count_subscribers(channel): PUBSUB NUMSUB across the Redis server; nullopt while unreachable.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

TEST(CountSubscribers, CountsSubscribersOfTheChannelAcrossDrivers) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    Recorder first_seen;
    Recorder second_seen;
    auto first = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    auto second = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    first->subscribe({"servers"});
    second->subscribe({"servers", "other"});
    first->start(first_seen.on_message(), first_seen.on_state());
    second->start(second_seen.on_message(), second_seen.on_state());
    ASSERT_TRUE(first_seen.wait_for_state(DriverState::connected));
    ASSERT_TRUE(second_seen.wait_for_state(DriverState::connected));

    EXPECT_EQ(count_subscribers(*first, "servers"), 2u);
    EXPECT_EQ(count_subscribers(*first, "other"), 1u);
    EXPECT_EQ(count_subscribers(*first, "nobody"), 0u);

    second->unsubscribe({"servers"});
    EXPECT_TRUE(eventually([&] { return count_subscribers(*first, "servers") == 1u; }));
}

TEST(CountSubscribers, UnknownWhileRedisIsUnreachable) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    Recorder seen;
    auto driver = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    redis.stop();
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    EXPECT_EQ(count_subscribers(*driver, "servers"), std::nullopt);
}

}  // namespace
}  // namespace redistest
