// Heartbeat deadlines: a client that stops answering PINGs is dropped within
// ping_interval + ping_timeout (with generous slack), with reason ping_timeout; one that answers
// stays. Short intervals keep the tests fast.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/json_lines.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

constexpr auto kInterval = 300ms;
constexpr auto kTimeout = 200ms;
// On a loaded 2-core box timers fire late; the bound checks "dropped", not "dropped fast".
constexpr auto kSlack = 3000ms;

std::string only_sid(const siotest::ProcessResult& result) {
    auto sids = reported_sids(result);
    return sids.size() == 1 ? sids[0] : std::string{};
}

TEST(PingTimeout, SilentWebSocketClientIsDropped) {
    EchoServer server({.heartbeat = {.ping_interval = kInterval, .ping_timeout = kTimeout}});
    auto result = server.run_script("ping_timeout", "websocket_silent",
                                    {"pingInterval=300", "pingTimeout=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    ASSERT_EQ(server.wait_for_disconnect(sid), DisconnectReason::ping_timeout);
    SessionRecord record = server.record(sid);
    auto lived = record.disconnected_at - record.connected_at;
    EXPECT_GE(lived, kInterval + kTimeout - 50ms);
    EXPECT_LE(lived, kInterval + kTimeout + kSlack);
}

TEST(PingTimeout, SilentPollingClientIsDropped) {
    EchoServer server({.heartbeat = {.ping_interval = kInterval, .ping_timeout = kTimeout}});
    auto result = server.run_script("ping_timeout", "polling_silent",
                                    {"pingInterval=300", "pingTimeout=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    ASSERT_EQ(server.wait_for_disconnect(sid), DisconnectReason::ping_timeout);
    SessionRecord record = server.record(sid);
    auto lived = record.disconnected_at - record.connected_at;
    EXPECT_GE(lived, kInterval + kTimeout - 50ms);
    EXPECT_LE(lived, kInterval + kTimeout + kSlack);
}

// Many sessions on one loop share its deadline queue: each is pinged on its own schedule, the
// silent ones are dropped, the answering ones (their deadlines moved by every PONG) stay.
TEST(PingTimeout, InterleavedWebSocketClientsOnOneLoop) {
    EchoServer server(
        {.heartbeat = {.ping_interval = kInterval, .ping_timeout = kTimeout}, .threads = 1});
    auto result = server.run_script("ping_timeout", "websocket_mixed",
                                    {"pingInterval=300", "pingTimeout=200", "count=6", "rounds=3"});
    ASSERT_TRUE(result.ok()) << result.describe();
    const auto opens = siotest::json_events(result.out, "open");
    ASSERT_EQ(opens.size(), 6u) << result.out;
    for (const auto& open : opens) {
        const std::string sid = open.value("sid", std::string{});
        const auto reason = server.wait_for_disconnect(sid);
        ASSERT_TRUE(reason.has_value()) << sid;
        if (open.value("answering", false)) {
            // Three rounds (> interval + timeout) answered, then closed by the client.
            EXPECT_NE(*reason, DisconnectReason::ping_timeout) << sid;
        } else {
            EXPECT_EQ(*reason, DisconnectReason::ping_timeout) << sid;
        }
    }
}

TEST(PingTimeout, PollingClientAnsweringPingsStays) {
    EchoServer server({.heartbeat = {.ping_interval = kInterval, .ping_timeout = kTimeout}});
    auto result = server.run_script("ping_timeout", "polling_answering",
                                    {"pingInterval=300", "pingTimeout=200", "rounds=4"});
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    // Four rounds took > 3 ping intervals, longer than interval + timeout: still alive.
    EXPECT_NE(server.server().find(sid), nullptr);
    EXPECT_FALSE(server.record(sid).reason.has_value());
}

}  // namespace
}  // namespace enginetest
