// Disconnects: by the client, by the server (one namespace, the whole connection), and on stop().

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(Disconnect, ClientDisconnectReachesTheServer) {
    socketio::Server io;
    std::optional<socketio::DisconnectReason> reason;
    io.on_disconnect([&](socketio::Socket&, socketio::DisconnectReason r) { reason = r; });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    client.disconnect();
    EXPECT_FALSE(client.is_connected());
    EXPECT_EQ(client.disconnect_reason(), "io client disconnect");
    ASSERT_TRUE(reason);
    EXPECT_EQ(*reason, socketio::DisconnectReason::client_namespace_disconnect);
    EXPECT_TRUE(io.of("/").sockets().empty());
}

TEST(Disconnect, ServerDisconnectIsVisible) {
    socketio::Server io;
    io.on("kick me", [](socketio::Socket& s) { s.disconnect(); });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    EXPECT_EQ(client.disconnect_reason(), "");
    client.emit("kick me");
    EXPECT_FALSE(client.is_connected());
    EXPECT_EQ(client.disconnect_reason(), "io server disconnect");
    EXPECT_THROW(client.emit("again"), std::system_error);
    // It can come back.
    EXPECT_TRUE(client.connect());
    EXPECT_TRUE(client.is_connected());
}

TEST(Disconnect, ServerDisconnectBySidFromOutside) {
    socketio::Server io;
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    EXPECT_TRUE(io.disconnect(client.sid()));
    EXPECT_FALSE(client.is_connected());
    EXPECT_EQ(client.disconnect_reason(), "io server disconnect");
}

TEST(Disconnect, ServerClosingTheConnectionIsTransportClose) {
    socketio::Server io;
    io.of("/b");
    std::optional<socketio::DisconnectReason> reason;
    io.on_disconnect([&](socketio::Socket&, socketio::DisconnectReason r) { reason = r; });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    ASSERT_TRUE(client.connect("/b"));
    auto socket = io.socket(client.sid());
    ASSERT_TRUE(socket);
    socket->disconnect(/*close=*/true);
    EXPECT_FALSE(client.is_connected());
    EXPECT_FALSE(client.is_connected("/b"));
    EXPECT_EQ(client.disconnect_reason("/b"), "transport close");
    ASSERT_TRUE(reason);
    EXPECT_TRUE(io.of("/b").sockets().empty());
}

TEST(Disconnect, ClientDestructorEndsTheConnection) {
    socketio::Server io;
    std::optional<socketio::DisconnectReason> reason;
    io.on_disconnect([&](socketio::Socket&, socketio::DisconnectReason r) { reason = r; });
    {
        TestClient client{io};
        ASSERT_TRUE(client.connect());
    }
    ASSERT_TRUE(reason);
    EXPECT_EQ(*reason, socketio::DisconnectReason::transport_close);
    EXPECT_TRUE(io.of("/").sockets().empty());
}

TEST(Disconnect, DetachedServerStopIsSeen) {
    boost::asio::io_context loop;
    socketio::Server io{{}, std::vector<boost::asio::any_io_executor>{loop.get_executor()}};
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    io.stop();
    EXPECT_FALSE(client.is_connected());
    EXPECT_FALSE(client.disconnect_reason().empty());
}
