// A Redis that stops answering but keeps its connections open (frozen with SIGSTOP) is noticed by
// the health check and left; an attempt that gets no answer ends at connect_timeout. Both come
// back once Redis answers again.

#include <csignal>

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

TEST(HealthCheck, FrozenRedisIsNoticedAndLeftThenRejoined) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    LogCapture log;
    Recorder seen;
    auto driver = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(),
                        .connect_timeout = std::chrono::milliseconds(300),
                        .reconnect_max_delay = std::chrono::milliseconds(200),
                        .health_check_interval = std::chrono::milliseconds(200)});
    driver->subscribe({"alive"});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));

    redis.pause();
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    EXPECT_NE(log.text().find("no answer to PING"), std::string::npos) << log.text();
    // Attempts meanwhile: TCP connects (the kernel accepts), SUBSCRIBE is never answered, so the
    // health check ends each session before it is `connected`.
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected, 2));

    redis.resume();
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected, 2));
    driver->publish("alive", "again");
    ASSERT_TRUE(seen.wait_for_messages(1));
    EXPECT_EQ(seen.messages().back(), (Message{"alive", "again"}));
}

TEST(HealthCheck, UnansweredAuthEndsAtConnectTimeout) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis({.password = "pw"});
    redis.start();
    redis.pause();
    IoThread io;
    LogCapture log;
    Recorder seen;
    auto driver = socketio::make_redis_driver(
        io.executor(), {.url = redis.url(),
                        .connect_timeout = std::chrono::milliseconds(200),
                        .reconnect_max_delay = std::chrono::milliseconds(200)});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    EXPECT_TRUE(eventually([&] { return log.text().find("connect timeout") != std::string::npos; }))
        << log.text();
    redis.resume();
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
}

}  // namespace
}  // namespace redistest
