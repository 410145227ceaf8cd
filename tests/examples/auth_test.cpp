// examples/auth: refusals carry their message and data; an accepted client is known by name.

#include <gtest/gtest.h>

#include "auth.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(AuthExample, MissingTokenIsRefusedWithAHint) {
    socketio::Server io;
    install_auth(io);
    TestClient client{io};
    auto result = client.connect();
    EXPECT_EQ(result.ec, socketio::testing::error::connect_refused);
    EXPECT_EQ(result.message, "missing token");
    EXPECT_TRUE(result.data.contains("hint"));
}

TEST(AuthExample, UnknownTokenIsRefusedWithTheToken) {
    socketio::Server io;
    install_auth(io);
    TestClient client{io};
    auto result = client.connect("/", {.auth = {{"token", "forged"}}});
    EXPECT_EQ(result.message, "invalid token");
    EXPECT_EQ(result.data, (json{{"token", "forged"}}));
    EXPECT_FALSE(client.is_connected());
}

TEST(AuthExample, KnownTokenIsWelcomedByName) {
    socketio::Server io;
    install_auth(io);
    TestClient ann{io}, bob{io};
    ASSERT_TRUE(ann.connect("/", {.auth = {{"token", "ann-token"}}}));
    ASSERT_TRUE(bob.connect("/", {.auth = {{"token", "bob-token"}}}));
    auto welcome = ann.get_received();
    ASSERT_EQ(welcome.size(), 1u);
    EXPECT_EQ(welcome[0].args, json::array({"ann"}));
    EXPECT_EQ(ann.emit_with_ack("whoami").args, json::array({"ann"}));
    EXPECT_EQ(bob.emit_with_ack("whoami").args, json::array({"bob"}));
}
