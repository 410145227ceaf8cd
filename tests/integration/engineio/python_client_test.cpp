// Debian's python3-engineio client (a second official implementation) against our server in its
// three transport modes: echo of text and binary, then a client disconnect.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/environment.hpp"

namespace enginetest {
namespace {

using engineio::DisconnectReason;

class PythonClient : public ::testing::TestWithParam<std::string> {};

TEST_P(PythonClient, EchoAndDisconnect) {
    const std::string& mode = GetParam();
    EchoServer server;
    auto result = siotest::run_process(
        {.argv = {siotest::python_executable(), SIO_ENGINEIO_TEST_DIR "/python_client.py",
                  server.base_url(), mode}},
        20s);
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    std::vector<Received> expected{text("hello"), text("a=1&b=2 {}"),
                                   binary(std::string("\x00\x01\xfe\xff", 4)),
                                   text(std::string(3000, 'x'))};
    EXPECT_EQ(server.wait_for_messages(sids[0], expected.size()), expected);
    auto reason = server.wait_for_disconnect(sids[0]);
    if (mode == "polling") {
        EXPECT_EQ(reason, DisconnectReason::client_close);
    } else {
        // python-engineio's disconnect() queues CLOSE for its writer thread and closes the
        // WebSocket at once, so either may reach the server first.
        EXPECT_TRUE(reason == DisconnectReason::client_close ||
                    reason == DisconnectReason::transport_close)
            << ::testing::PrintToString(reason);
    }
    EXPECT_EQ(server.record(sids[0]).transport_at_disconnect,
              mode == "polling" ? "polling" : "websocket");
}

INSTANTIATE_TEST_SUITE_P(Modes, PythonClient, ::testing::Values("polling", "websocket", "upgrade"));

}  // namespace
}  // namespace enginetest
