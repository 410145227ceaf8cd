// A publish-only driver (the Emitter's): no subscriber connection, so it is not counted among a
// channel's subscribers, and what it publishes reaches the others.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

TEST(WriteOnly, PublishesWithoutSubscribing) {
    SIO_REQUIRE_REDIS();
    siotest::RedisServerProcess redis;
    redis.start();
    IoThread io;
    Recorder seen;
    Recorder emitter_states;
    auto subscriber = socketio::make_redis_driver(io.executor(), {.url = redis.url()});
    auto emitter =
        socketio::make_redis_driver(io.executor(), {.url = redis.url(), .subscriber = false});
    subscriber->subscribe({"socket.io#/#"});
    subscriber->start(seen.on_message(), seen.on_state());
    emitter->subscribe({"socket.io#/#"});  // ignored: no subscriber connection
    emitter->start({}, emitter_states.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    ASSERT_TRUE(emitter_states.wait_for_state(DriverState::connected));

    EXPECT_EQ(count_subscribers(*emitter, "socket.io#/#"), 1u);
    emitter->publish("socket.io#/#", "from the emitter");
    ASSERT_TRUE(seen.wait_for_messages(1));
    EXPECT_EQ(seen.messages().front(), (Message{"socket.io#/#", "from the emitter"}));
    EXPECT_TRUE(eventually([&] { return emitter->stats().published == 1u; }));
    EXPECT_EQ(emitter->stats().received, 0u);
}

}  // namespace
}  // namespace redistest
