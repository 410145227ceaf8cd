// Publish on one driver, receive on another (and on itself): channels, patterns, unsubscribe.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

class PublishSubscribe : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        redis_.start();
    }
    socketio::DriverPtr make_driver() {
        return socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    }

    siotest::RedisServerProcess redis_;
    IoThread io_;
};

TEST_F(PublishSubscribe, MessageReachesEverySubscriberOfItsChannelOnly) {
    Recorder subscriber_seen;
    Recorder publisher_seen;
    auto subscriber = make_driver();
    auto publisher = make_driver();
    subscriber->subscribe({"room#a", "room#b"});
    subscriber->start(subscriber_seen.on_message(), subscriber_seen.on_state());
    publisher->subscribe({"room#b"});
    publisher->start(publisher_seen.on_message(), publisher_seen.on_state());
    ASSERT_TRUE(subscriber_seen.wait_for_state(DriverState::connected));
    ASSERT_TRUE(publisher_seen.wait_for_state(DriverState::connected));

    publisher->publish("room#a", "to a");
    publisher->publish("room#c", "to nobody");
    publisher->publish("room#b", std::string("to b \0 with a NUL\r\n", 19));

    ASSERT_TRUE(subscriber_seen.wait_for_messages(2));
    ASSERT_TRUE(publisher_seen.wait_for_messages(1));
    EXPECT_EQ(subscriber_seen.messages(),
              (std::vector<Message>{{"room#a", "to a"},
                                    {"room#b", std::string("to b \0 with a NUL\r\n", 19)}}));
    EXPECT_EQ(publisher_seen.messages(),
              (std::vector<Message>{{"room#b", std::string("to b \0 with a NUL\r\n", 19)}}));
    // Counted when Redis acknowledges, which may come after the subscriber got them.
    EXPECT_TRUE(eventually([&] { return publisher->stats().published == 3u; }));
    EXPECT_EQ(subscriber->stats().received, 2u);
    EXPECT_EQ(subscriber_seen.states(),
              (std::vector<DriverState>{DriverState::connecting, DriverState::connected}));
}

TEST_F(PublishSubscribe, PatternSubscriptionReceivesMatchingChannels) {
    Recorder seen;
    auto subscriber = make_driver();
    auto publisher = make_driver();
    subscriber->psubscribe({"socket.io#/#*"});
    subscriber->start(seen.on_message(), seen.on_state());
    publisher->start({});
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));

    publisher->publish("socket.io#/admin#", "skipped: another namespace");
    publisher->publish("socket.io#/#", "all");
    publisher->publish("socket.io#/#room1#", "room1");

    ASSERT_TRUE(seen.wait_for_messages(2));
    EXPECT_EQ(seen.messages(),
              (std::vector<Message>{{"socket.io#/#", "all"}, {"socket.io#/#room1#", "room1"}}));
}

TEST_F(PublishSubscribe, SubscribeAfterConnectAndUnsubscribe) {
    Recorder seen;
    auto subscriber = make_driver();
    auto publisher = make_driver();
    subscriber->start(seen.on_message(), seen.on_state());
    publisher->start({});
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));

    subscriber->subscribe({"late"});
    ASSERT_TRUE(eventually([&] { return count_subscribers(*publisher, "late") == 1u; }));
    publisher->publish("late", "1");
    ASSERT_TRUE(seen.wait_for_messages(1));

    subscriber->unsubscribe({"late"});
    ASSERT_TRUE(eventually([&] { return count_subscribers(*publisher, "late") == 0u; }));
    subscriber->subscribe({"marker"});
    ASSERT_TRUE(eventually([&] { return count_subscribers(*publisher, "marker") == 1u; }));
    publisher->publish("late", "2: not delivered");
    publisher->publish("marker", "3");
    ASSERT_TRUE(seen.wait_for_messages(2));
    EXPECT_EQ(seen.messages(), (std::vector<Message>{{"late", "1"}, {"marker", "3"}}));
}

TEST(PublishSubscribeUnixSocket, RoundTripOverAUnixSocket) {
    SIO_REQUIRE_REDIS();
    siotest::TempDir dir;
    const std::string socket_path = dir.file("redis.sock");
    siotest::RedisServerProcess redis({.extra_args = {"--unixsocket", socket_path}});
    redis.start();
    IoThread io;
    Recorder seen;
    auto driver =
        socketio::make_redis_driver(io.executor(), {.url = "unix://" + socket_path + "?db=1"});
    driver->subscribe({"local"});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    driver->publish("local", "over a unix socket");
    ASSERT_TRUE(seen.wait_for_messages(1));
    EXPECT_EQ(seen.messages().front(), (Message{"local", "over a unix socket"}));
}

}  // namespace
}  // namespace redistest
