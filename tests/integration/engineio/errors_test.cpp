// Every Engine.IO error code with its status and exact JSON body; refused requests never reach
// the handler (no on_connect, no on_disconnect).
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Errors, TransportUnknown) {
    EchoServer server;
    auto result = server.run_script("errors", "transport_unknown");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

TEST(Errors, TransportNotOfferedIsUnknown) {
    EchoServer server({.transports = {.allowed = {"websocket"}}});
    auto result = server.run_script("errors", "transport_unknown", {"disabled=polling"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

TEST(Errors, SessionIdUnknown) {
    EchoServer server;
    auto result = server.run_script("errors", "session_unknown");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

TEST(Errors, BadHandshakeMethod) {
    EchoServer server;
    auto result = server.run_script("errors", "bad_handshake_method");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

TEST(Errors, BadRequest) {
    EchoServer server;
    auto result = server.run_script("errors", "bad_request");
    ASSERT_TRUE(result.ok()) << result.describe();
    // Only the two sessions of the transport-mismatch checks were created, and the mismatched
    // requests did not end them.
    auto sids = reported_sids(result);
    EXPECT_EQ(server.connected(), sids);
    ASSERT_EQ(sids.size(), 2u);
    EXPECT_EQ(server.record(sids[1]).messages, std::vector{text("still-open")});
}

TEST(Errors, ForbiddenWhenOnConnectRefuses) {
    EchoServer server;
    auto result = server.run_script("errors", "forbidden");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.refused(), 2);  // the polling and the WebSocket handshake
    EXPECT_TRUE(server.connected().empty());
    EXPECT_EQ(server.disconnect_count(), 0u) << "no on_disconnect for refused sessions";
}

TEST(Errors, UnsupportedProtocolVersion) {
    EchoServer server;
    auto result = server.run_script("errors", "unsupported_protocol");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty());
}

TEST(Errors, OtherPathsAreNotFound) {
    EchoServer server;
    auto result = server.run_script("errors", "not_found");
    ASSERT_TRUE(result.ok()) << result.describe();
}

}  // namespace
}  // namespace enginetest
