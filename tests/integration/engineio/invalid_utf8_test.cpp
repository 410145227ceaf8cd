// Engine.IO text packets must be UTF-8 on both transports: a polling POST whose text packet is
// not (overlong, surrogate, truncated, Latin-1, above U+10FFFF) gets 400 and its session ends as
// for any invalid packet; the same bytes in a WebSocket text frame close the connection with 1007
// and end the session the same way. Nothing of such a payload reaches the handler.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

// The scripts open one session per bad input, then one that sends "😀 ok" (the last sid).
void expect_bad_inputs_refused_and_emoji_echoed(const EchoServer& server,
                                                const siotest::ProcessResult& result,
                                                std::size_t bad_inputs) {
    const auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), bad_inputs + 1) << result.describe();
    for (std::size_t i = 0; i < bad_inputs; ++i) {
        EXPECT_EQ(server.wait_for_disconnect(sids[i]), DisconnectReason::parse_error) << i;
        EXPECT_TRUE(server.record(sids[i]).messages.empty()) << i;
    }
    EXPECT_EQ(server.wait_for_messages(sids.back(), 1),
              std::vector<Received>{text("\xf0\x9f\x98\x80 ok")});
}

TEST(InvalidUtf8, PollingPostIsRefusedAndClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("invalid_utf8", "polling");
    ASSERT_TRUE(result.ok()) << result.describe();
    expect_bad_inputs_refused_and_emoji_echoed(server, result, 6);
}

TEST(InvalidUtf8, WebSocketTextFrameClosesWith1007AndEndsTheSessionAlike) {
    EchoServer server;
    auto result = server.run_script("invalid_utf8", "websocket");
    ASSERT_TRUE(result.ok()) << result.describe();
    expect_bad_inputs_refused_and_emoji_echoed(server, result, 5);
}

}  // namespace
}  // namespace enginetest
