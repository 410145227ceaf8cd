// HTTP-level bounds: http.read_timeout for a request that never completes, max_header_size for an
// oversized header block. Neither may create a session or stop the server serving others.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Limits, IncompleteRequestIsDroppedAfterTheReadTimeout) {
    EchoServer server({.http = {.read_timeout = 500ms}});
    auto result = server.run_script("limits", "slow_request", {"readTimeout=500"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.connected(), reported_sids(result)) << "only the follow-up handshake";
}

TEST(Limits, SendQueueOverItsBoundClosesTheSession) {
    EchoServer server({.limits = {.max_send_queue_messages = 10}});
    auto result = server.run_script("limits", "send_queue", {"burst=50"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(reported_sids(result).at(0)),
              engineio::DisconnectReason::send_queue_full);
}

TEST(Limits, OversizedHeadersAreRefused) {
    EchoServer server;  // max_header_size 16 KiB
    auto result = server.run_script("limits", "huge_headers", {"size=40000"});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.connected(), reported_sids(result)) << "only the follow-up handshake";
}

}  // namespace
}  // namespace enginetest
