// The WebSocket transport opened directly: echo, heartbeat and every way it ends.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "echo_server.hpp"
#include "support/json_lines.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

TEST(WebSocket, ServerSendFromAnotherThreadArrivesInOrder) {
    push_from_test_thread("websocket");
}

/// A masked client text frame (payload under 126 bytes).
std::string client_text_frame(const std::string& payload) {
    std::string frame{'\x81', static_cast<char>(0x80 | payload.size())};
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    return frame;
}

TEST(WebSocket, FramesSplitAcrossPausesAndBatchedArriveInOrder) {
    // The server reads what a socket has and waits for more only once a read came back short:
    // a frame whose rest comes after such a read, at any split, must still wake it; so must
    // several frames in one segment.
    EchoServer server;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const auto send_all = [fd](const std::string& bytes) {
        ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    };
    send_all(
        "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    const std::string sid = server.wait_for_connect();
    ASSERT_FALSE(sid.empty());

    std::vector<Received> expected;
    for (int i = 0; i < 12; ++i) {
        const std::string message = "split-" + std::to_string(i);
        const std::string frame = client_text_frame("4" + message);
        const std::size_t at = 1 + static_cast<std::size_t>(i) % (frame.size() - 1);
        send_all(frame.substr(0, at));
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        send_all(frame.substr(at));
        expected.push_back(text(message));
    }
    std::string batch;
    for (int i = 0; i < 5; ++i) {
        batch += client_text_frame("4batch-" + std::to_string(i));
        expected.push_back(text("batch-" + std::to_string(i)));
    }
    send_all(batch);
    EXPECT_EQ(server.wait_for_messages(sid, expected.size()), expected);
    ::shutdown(fd, SHUT_WR);  // an EOF (closing with the echoes unread would reset)
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_close);
    ::close(fd);
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
