// The WebSocket transport opened directly: echo, heartbeat and every way it ends.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/json_lines.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

TEST(WebSocket, ServerSendFromAnotherThreadArrivesInOrder) {
    push_from_test_thread("websocket");
}

TEST(WebSocket, EchoesTextAndBinaryFrames) {
    EchoServer server;
    auto result = server.run_script("websocket", "echo");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    std::vector<Received> expected{text("hello"), text(""),       binary("\x01\x02\x03\x04"),
                                   binary(""),    text(kUnicode), text("cmd:burst:3")};
    EXPECT_EQ(server.wait_for_messages(sid, expected.size()), expected);
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_close);
    EXPECT_EQ(server.record(sid).transport_at_connect, "websocket");
}

TEST(WebSocket, MessagesAfterOneOverTheHighWaterMarkStillArrive) {
    // Sizes on both sides of what the kernel takes in one send on loopback.
    for (const char* size : {"70000", "100000", "300000", "2000000"}) {
        EchoServer server;
        auto result =
            server.run_script("websocket", "big_then_more", {std::string("size=") + size});
        ASSERT_TRUE(result.ok()) << "size " << size << ": " << result.describe();
    }
}

TEST(WebSocket, PermessageDeflateWithNodeWs) {
    EchoServer server({.websocket = {.compression = true}});
    auto result = server.run_script("websocket", "deflate", {"negotiated=1"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    const auto messages = server.wait_for_messages(sid, 10);
    ASSERT_EQ(messages.size(), 10u);
    EXPECT_EQ(messages[0], text("small"));
    EXPECT_EQ(messages[1].data.size(), 18u * 300u);  // inflated by the server
    EXPECT_EQ(messages[2], binary(std::string(5000, '\x07')));
}

TEST(WebSocket, PermessageDeflateDeclinedWhenOff) {
    EchoServer server;  // websocket.compression is off by default
    auto result = server.run_script("websocket", "deflate", {"negotiated=0"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(WebSocket, WorksOnAWebSocketOnlyServer) {
    EchoServer server({.transports = {.allowed = {"websocket"}}});
    auto result = server.run_script("websocket", "echo");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_messages(only_sid(result), 6).size(), 6u);
}

TEST(WebSocket, ServerPingsAndAnsweringClientStays) {
    EchoServer server({.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms}});
    auto result = server.run_script("websocket", "heartbeat",
                                    {"pingInterval=300", "pingTimeout=200", "pings=4"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    EXPECT_EQ(server.record(sid).messages, std::vector{text("still-here")});
    // It ended because the client closed, not by a ping timeout.
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_close);
}

TEST(WebSocket, FrameOverMaxPayloadClosesTheConnection) {
    EchoServer server({.limits = {.max_payload = 1000}});
    auto result = server.run_script("websocket", "oversized", {"maxPayload=1000"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    EXPECT_TRUE(server.wait_for_disconnect(sid).has_value());
    auto messages = server.record(sid).messages;
    ASSERT_EQ(messages.size(), 1u) << "only the frame at the limit was delivered";
    EXPECT_EQ(messages[0].data.size(), 999u);
}

TEST(WebSocket, ClientCloseClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("websocket", "client_close");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::client_close);
}

TEST(WebSocket, DroppedConnectionIsATransportClose) {
    EchoServer server;
    auto result = server.run_script("websocket", "client_drop");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::transport_close);
}

TEST(WebSocket, CloseFrameThenExitIsATransportClose) {
    EchoServer server;
    auto result = server.run_script("websocket", "close_then_exit");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::transport_close);
}

TEST(WebSocket, InvalidPacketClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("websocket", "parse_error");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::parse_error);
}

TEST(WebSocket, ServerCloseSendsCloseThenClosesTheSocket) {
    EchoServer server;
    auto result = server.run_script("websocket", "server_close");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::server_close);
}

TEST(WebSocket, StopClosesEverySession) {
    EchoServer server;
    auto result = server.run_script("websocket", "server_stop_many", {"count=3"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.wait_for_stopped());
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 4u);
    for (const auto& sid : sids) {
        EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::server_shutdown) << sid;
    }
}

TEST(WebSocket, StopClosesClientsWithGoingAway) {
    EchoServer server;
    auto result = server.run_script("websocket", "server_stop");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.wait_for_stopped());
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::server_shutdown);
    auto closed = siotest::json_events(result.out, "closed");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].value("code", 0), 1001);
}

}  // namespace
}  // namespace enginetest
