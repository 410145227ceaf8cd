// websocket.close_linger: once the server closes a WebSocket session, the connection is reset
// within the linger whatever the client does — also when the client stopped reading (so a write
// and the close frame are stuck) and keeps sending, or when it never answers the close frame —
// and the server reads nothing more for the closed session. Raw TCP clients in close_linger.mjs.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

// More than the kernel buffers between the server and a client that does not read, so the
// server's write of it sticks; within the send queue bound of the tests below.
constexpr std::size_t kStuckWriteBytes = 24u << 20;
constexpr auto kLinger = 1000ms;
const std::string kLingerParam = "linger=1000";
// What a client may get written into a connection the server no longer reads: the kernel buffers
// (about 4 MB each way on loopback here) and, after a close frame that is not answered, the read
// budget of the close handshake (max_payload + 64 KiB). A server that kept reading would take
// hundreds of megabytes in the test's second of flooding.
const std::string kMaxFloodParam = "maxFlood=" + std::to_string(16u << 20);

engineio::ServerOptions stalled_reader_options() {
    return {.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms},
            .limits = {.max_send_queue_bytes = 2 * kStuckWriteBytes},
            .websocket = {.close_linger = kLinger}};
}

void run_stalled_reader(EchoServer& server, const std::string& trigger, int close_after_ms,
                        DisconnectReason expected) {
    auto result =
        server.run_script("close_linger", "stalled_reader",
                          {"trigger=" + trigger, "closeAfter=" + std::to_string(close_after_ms),
                           kLingerParam, "big=" + std::to_string(kStuckWriteBytes), kMaxFloodParam},
                          {}, 30s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), expected);
}

TEST(CloseLinger, StalledReaderIsResetAfterAPingTimeout) {
    EchoServer server(stalled_reader_options());
    // The PING cannot get through, so no PONG: closed at interval + timeout (500 ms).
    run_stalled_reader(server, "ping_timeout", 900, DisconnectReason::ping_timeout);
}

TEST(CloseLinger, StalledReaderIsResetAfterItsSendQueueOverflows) {
    auto options = stalled_reader_options();
    options.heartbeat.ping_interval = 20s;  // only the queue bound closes it
    options.limits.max_send_queue_messages = 10;
    EchoServer server(options);
    run_stalled_reader(server, "queue_full", 300, DisconnectReason::send_queue_full);
}

TEST(CloseLinger, StalledReaderIsResetAfterServerClose) {
    auto options = stalled_reader_options();
    options.heartbeat.ping_interval = 20s;
    EchoServer server(options);
    run_stalled_reader(server, "server_close", 300, DisconnectReason::server_close);
}

TEST(CloseLinger, UnansweredCloseFrameEndsTheConnectionAfterTheLinger) {
    EchoServer server({.websocket = {.close_linger = kLinger}});
    auto result = server.run_script("close_linger", "unanswered_close",
                                    {kLingerParam, kMaxFloodParam}, {}, 30s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::server_close);
}

// Pings from a client that does not read: the server answers while its buffer has room, then
// lets them go unanswered instead of queueing a pong per ping (48 MB of pings would otherwise be
// ~46 MB of pongs held in memory until the client reads).
TEST(CloseLinger, PingFloodFromAClientThatDoesNotReadIsNotBuffered) {
    EchoServer server;
    auto result = server.run_script(
        "close_linger", "ping_flood",
        {"bytes=" + std::to_string(48u << 20), "maxPongBytes=" + std::to_string(16u << 20)}, {},
        30s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.wait_for_disconnect(only_sid(result)).has_value());
}

}  // namespace
}  // namespace enginetest
