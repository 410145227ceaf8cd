// examples/class_namespace: the counter's methods, its broadcasts, its connect/disconnect hooks.

#include <gtest/gtest.h>

#include "class_namespace.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(ClassNamespaceExample, CounterIsSharedAndBroadcast) {
    socketio::Server io;
    install_class_namespace(io);
    TestClient ann{io}, bob{io};
    ASSERT_TRUE(ann.connect("/counter"));
    ASSERT_TRUE(bob.connect("/counter"));
    auto to_ann = ann.get_received("/counter");
    ASSERT_EQ(to_ann.size(), 2u);
    EXPECT_EQ(to_ann[0].name, "count");
    EXPECT_EQ(to_ann[1].name, "visitors");  // bob arrived
    EXPECT_EQ(to_ann[1].args, json::array({2}));
    bob.get_received("/counter");

    EXPECT_EQ(ann.emit_args_with_ack("increment", json::array({5}), "/counter").args,
              json::array({5}));
    EXPECT_EQ(bob.emit_args_with_ack("increment", json::array(), "/counter").args,
              json::array({6}));
    EXPECT_EQ(bob.emit_args_with_ack("get", json::array(), "/counter").args, json::array({6}));
    auto to_bob = bob.get_received("/counter");
    ASSERT_EQ(to_bob.size(), 2u);
    EXPECT_EQ(to_bob[0].args, json::array({5}));
    EXPECT_EQ(to_bob[1].args, json::array({6}));

    bob.disconnect("/counter");
    auto after = ann.get_received("/counter");
    ASSERT_EQ(after.size(), 3u);  // the two counts, then bob leaving
    EXPECT_EQ(after[2].name, "visitors");
    EXPECT_EQ(after[2].args, json::array({1}));
}

TEST(ClassNamespaceExample, RootNamespaceIsNotTheCounter) {
    socketio::Server io;
    install_class_namespace(io);
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    EXPECT_EQ(client.emit_with_ack("get").ec, socketio::testing::error::no_response);
}
