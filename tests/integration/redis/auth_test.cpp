// AUTH with the URL's password (and user), SELECT of the URL's db; a wrong password never
// connects, and says why in the log.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

class Auth : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        redis_.start();
    }
    std::string url(const std::string& userinfo, const std::string& path = "") {
        return "redis://" + userinfo + "@127.0.0.1:" + std::to_string(redis_.port()) + path;
    }
    // A round trip through a driver with this URL.
    void expect_round_trip(const std::string& driver_url) {
        Recorder seen;
        auto driver = socketio::make_redis_driver(io_.executor(), {.url = driver_url});
        driver->subscribe({"auth"});
        driver->start(seen.on_message(), seen.on_state());
        ASSERT_TRUE(seen.wait_for_state(DriverState::connected)) << driver_url;
        driver->publish("auth", "hello");
        ASSERT_TRUE(seen.wait_for_messages(1)) << driver_url;
        EXPECT_EQ(seen.messages().front(), (Message{"auth", "hello"}));
    }

    siotest::RedisServerProcess redis_{{.password = "s3cret p@ss"}};
    IoThread io_;
};

TEST_F(Auth, PasswordUserAndDbFromTheUrl) {
    expect_round_trip(url(":s3cret%20p%40ss"));
    expect_round_trip(url("default:s3cret%20p%40ss"));  // Redis 6+ ACL form
    expect_round_trip(url(":s3cret%20p%40ss", "/3"));   // SELECT 3 (pub/sub ignores the db)
}

TEST_F(Auth, WrongPasswordNeverConnects) {
    Recorder seen;
    auto driver = socketio::make_redis_driver(
        io_.executor(),
        {.url = url(":wrong"), .reconnect_max_delay = std::chrono::milliseconds(200)});
    driver->start(seen.on_message(), seen.on_state());
    // Refused, retried (with backoff), refused again: never connected.
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected, 2));
    const auto states = seen.states();
    EXPECT_EQ(std::count(states.begin(), states.end(), DriverState::connected), 0);
}

TEST_F(Auth, MissingPasswordNeverConnects) {
    Recorder seen;
    auto driver = socketio::make_redis_driver(
        io_.executor(), {.url = "redis://127.0.0.1:" + std::to_string(redis_.port()),
                         .reconnect_max_delay = std::chrono::milliseconds(200)});
    driver->subscribe({"auth"});  // NOAUTH on SUBSCRIBE
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected, 2));
    const auto states = seen.states();
    EXPECT_EQ(std::count(states.begin(), states.end(), DriverState::connected), 0);
}

}  // namespace
}  // namespace redistest
