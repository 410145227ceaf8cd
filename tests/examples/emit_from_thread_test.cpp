// examples/emit_from_thread: the background task's ticks reach the room's members only, and the
// task ends when the server stops.

#include <gtest/gtest.h>

#include "emit_from_thread.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;
using namespace std::chrono_literals;

TEST(EmitFromThreadExample, SubscribersGetTicks) {
    socketio::Server io;
    install_emit_from_thread(io, 5ms);
    TestClient subscriber{io}, bystander{io};
    ASSERT_TRUE(subscriber.connect() && bystander.connect());
    subscriber.emit("subscribe");

    ASSERT_TRUE(subscriber.wait_for("tick", 10s));
    auto ticks = subscriber.get_received();
    ASSERT_FALSE(ticks.empty());
    EXPECT_EQ(ticks[0].name, "tick");
    EXPECT_GE(ticks[0].args.at(0).at("n").get<long>(), 1);
    EXPECT_TRUE(bystander.get_received().empty());

    subscriber.emit("unsubscribe");
    subscriber.get_received();                         // what was on its way before it left
    EXPECT_FALSE(subscriber.wait_for("tick", 100ms));  // 20 ticks' time: none for it now

    io.stop();  // the task's sleep() returns false: it ends (~Server would wait for it)
    EXPECT_FALSE(subscriber.is_connected());
    EXPECT_EQ(subscriber.disconnect_reason(), "transport close");
}
