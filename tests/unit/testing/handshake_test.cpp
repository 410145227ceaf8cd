// What the server's socket.handshake() sees of the test client's connection.

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(Handshake, QueryHeadersCookiesAndAddress) {
    socketio::Server io;
    std::optional<socketio::Handshake> seen;
    io.on_connect([&](socketio::Socket& s) { seen = s.handshake(); });
    TestClient client{io};
    ASSERT_TRUE(client.connect(
        "/", {.query = {{"room", "a b"}, {"v", "1"}},
              .headers = {{"Cookie", "session=abc; theme=\"dark\""}, {"User-Agent", "gtest"}}}));
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->query_param("room"), "a b");
    EXPECT_EQ(seen->query_param("v"), "1");
    EXPECT_EQ(seen->query_param("EIO"), "4");
    EXPECT_EQ(seen->header("user-agent"), "gtest");
    EXPECT_EQ(seen->cookie("session"), "abc");
    EXPECT_EQ(seen->cookie("theme"), "dark");
    EXPECT_EQ(seen->address, "127.0.0.1");
    EXPECT_EQ(seen->request().remote_address(), "127.0.0.1");
    EXPECT_EQ(seen->request().path(), "/socket.io/");
    EXPECT_NE(seen->request().target().find("room=a%20b"), std::string::npos);
    EXPECT_GT(seen->issued, 0);
}

TEST(Handshake, RemoteAddressOption) {
    socketio::Server io;
    std::string address;
    io.on_connect([&](socketio::Socket& s) { address = s.handshake().address; });
    TestClient client{io, {.remote_address = "10.0.0.7"}};
    ASSERT_TRUE(client.connect());
    EXPECT_EQ(address, "10.0.0.7");
}
