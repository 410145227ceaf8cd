// HTTP long-polling: exchange, batching, binary as b+base64, the POST size limit, overlapping GETs
// and every way a polling session ends, each with the reason on_disconnect reports.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

TEST(Polling, ServerSendFromAnotherThreadArrivesInOrder) {
    push_from_test_thread("polling");
}

TEST(Polling, EchoesTextAndBinary) {
    EchoServer server;
    auto result = server.run_script("polling", "echo");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    std::vector<Received> expected{text("hello"),
                                   text(kUnicode),
                                   binary(std::string("\x01\x02\x03\x04", 4)),
                                   text("one"),
                                   binary(std::string("\x00\x01\x02\xff", 4)),
                                   text(""),
                                   text("two")};
    EXPECT_EQ(server.wait_for_messages(sid, expected.size()), expected);
}

TEST(Polling, MessagesSentBeforeAGetArriveInOneResponse) {
    EchoServer server;
    auto result = server.run_script("polling", "batching", {"count=5"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Polling, KeepAliveConnectionCarriesTheSession) {
    EchoServer server;
    auto result = server.run_script("polling", "keep_alive");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_messages(only_sid(result), 5).size(), 5u);
}

TEST(Polling, PendingGetIsAnsweredWhenThereIsSomethingToSend) {
    EchoServer server;
    auto result = server.run_script("polling", "long_poll");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_messages(only_sid(result), 1), std::vector{text("wake")});
}

TEST(Polling, PostOverMaxPayloadIsRefusedWith413) {
    EchoServer server({.limits = {.max_payload = 1000}});
    auto result = server.run_script("polling", "max_payload", {"maxPayload=1000"});
    ASSERT_TRUE(result.ok()) << result.describe();
    auto messages = server.record(only_sid(result)).messages;
    ASSERT_EQ(messages.size(), 1u) << "only the message at the limit was delivered";
    EXPECT_EQ(messages[0].data.size(), 999u);
}

TEST(Polling, CancelledLongPollClosesTheSessionAtOnce) {
    EchoServer server;  // ping interval 25 s: only the cancel can end the session in time
    auto result = server.run_script("polling", "cancelled_poll");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::transport_error);
}

TEST(Polling, OverlappingGetClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("polling", "overlapping_get");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::transport_error);
}

TEST(Polling, OverlappingPostClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("polling", "overlapping_post");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string sid = only_sid(result);
    EXPECT_EQ(server.wait_for_disconnect(sid), DisconnectReason::transport_error);
    EXPECT_TRUE(server.record(sid).messages.empty()) << "neither POST delivered a message";
}

TEST(Polling, InvalidPacketClosesTheSession) {
    EchoServer server;
    auto result = server.run_script("polling", "parse_error");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::parse_error);
    EXPECT_TRUE(server.record(only_sid(result)).messages.empty());
}

TEST(Polling, ClientClose) {
    EchoServer server;
    auto result = server.run_script("polling", "client_close");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::client_close);
}

TEST(Polling, ServerCloseReachesTheClient) {
    EchoServer server;
    auto result = server.run_script("polling", "server_close");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::server_close);
    EXPECT_EQ(server.server().find(only_sid(result)), nullptr);
}

TEST(Polling, StopClosesClients) {
    EchoServer server;
    auto result = server.run_script("polling", "server_stop");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.wait_for_stopped());
    EXPECT_EQ(server.wait_for_disconnect(only_sid(result)), DisconnectReason::server_shutdown);
}

}  // namespace
}  // namespace enginetest
