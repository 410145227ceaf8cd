// connect(): accepted with a sid, refused with the CONNECT_ERROR's message and data, auth seen by
// the server, the engine's own refusal.

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(Connect, AcceptedWithTheSidTheServerGave) {
    socketio::Server io;
    std::string server_sid;
    io.on_connect([&](socketio::Socket& s) { server_sid = s.sid(); });
    TestClient client{io};
    EXPECT_FALSE(client.is_connected());

    auto result = client.connect();
    ASSERT_TRUE(result) << result.ec.message();
    EXPECT_FALSE(result.sid.empty());
    EXPECT_EQ(result.sid, server_sid);
    EXPECT_EQ(client.sid(), server_sid);
    EXPECT_TRUE(client.is_connected());
    EXPECT_EQ(io.of("/").sockets().size(), 1u);
}

TEST(Connect, RefusedWithMessageAndData) {
    socketio::Server io;
    io.on_connect([](socketio::Socket&, const json& auth) {
        if (auth.value("token", "") != "secret") {
            throw socketio::ConnectionRefused("bad token", {{"retry", false}, {"code", 42}});
        }
    });
    TestClient client{io};
    auto refused = client.connect("/", {.auth = {{"token", "guess"}}});
    EXPECT_FALSE(refused);
    EXPECT_EQ(refused.ec, socketio::testing::error::connect_refused);
    EXPECT_EQ(refused.message, "bad token");
    EXPECT_EQ(refused.data, (json{{"retry", false}, {"code", 42}}));
    EXPECT_FALSE(client.is_connected());
    EXPECT_TRUE(io.of("/").sockets().empty());

    // The same client may try again on the same connection.
    auto accepted = client.connect("/", {.auth = {{"token", "secret"}}});
    EXPECT_TRUE(accepted) << accepted.message;
    EXPECT_TRUE(client.is_connected());
}

TEST(Connect, RefusedByReturningFalseHasNoData) {
    socketio::Server io;
    io.on_connect([](socketio::Socket&) { return false; });
    TestClient client{io};
    auto refused = client.connect();
    EXPECT_EQ(refused.ec, socketio::testing::error::connect_refused);
    EXPECT_FALSE(refused.message.empty());
    EXPECT_TRUE(refused.data.is_null());
}

TEST(Connect, AuthReachesTheHandshake) {
    socketio::Server io;
    json seen;
    io.on_connect([&](socketio::Socket& s) { seen = s.handshake().auth; });
    TestClient client{io};
    ASSERT_TRUE(client.connect("/", {.auth = {{"user", "ann"}, {"n", 1}}}));
    EXPECT_EQ(seen, (json{{"user", "ann"}, {"n", 1}}));
}

TEST(Connect, SecondConnectToTheSameNamespaceKeepsTheSocket) {
    socketio::Server io;
    int connects = 0;
    io.on_connect([&](socketio::Socket&) { ++connects; });
    TestClient client{io};
    auto first = client.connect();
    auto second = client.connect();
    EXPECT_EQ(first.sid, second.sid);
    EXPECT_EQ(connects, 1);
}

TEST(Connect, UnknownNamespaceIsRefused) {
    socketio::Server io;
    TestClient client{io};
    auto result = client.connect("/nowhere");
    EXPECT_EQ(result.ec, socketio::testing::error::connect_refused);
    EXPECT_EQ(result.message, "Invalid namespace");
}

TEST(Connect, OtherHeadersOnAnOpenConnectionThrow) {
    socketio::Server io;
    io.of("/b");
    TestClient client{io};
    ASSERT_TRUE(client.connect("/", {.headers = {{"X-A", "1"}}}));
    EXPECT_THROW(client.connect("/b", {.headers = {{"X-A", "2"}}}), std::invalid_argument);
    EXPECT_TRUE(client.connect("/b", {.headers = {{"x-a", "1"}}}));
}
