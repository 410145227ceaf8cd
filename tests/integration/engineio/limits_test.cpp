// HTTP-level bounds: http.read_timeout for a request that never completes, max_header_size for an
// oversized header block. Neither may create a session or stop the server serving others. And the
// process's own bound: out of file descriptors, the server accepts again once some are free.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <filesystem>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

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

TEST(Limits, ListeningOnAPortInUseFails) {
    // Each loop listens on the port with SO_REUSEPORT; a second server of the same user must not
    // join them (and take a share of the first one's connections): the port is in use.
    EchoServer server;
    engineio::Server other;
    EXPECT_THROW(other.listen("127.0.0.1", server.port()), std::system_error);
}

TEST(Limits, AcceptingResumesAfterRunningOutOfDescriptors) {
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizers' runtime needs descriptors of its own (UBSan's vptr check reads memory
    // through a pipe): out of them, it reports false errors.
    GTEST_SKIP() << "needs file descriptors the sanitizer runtime would lack";
#endif
    using boost::asio::ip::tcp;
    EchoServer server;
    boost::asio::io_context io;
    const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port());
    // The client sockets exist before the limit comes down; connecting them needs no descriptor,
    // accepting them does: the server runs out after a few.
    std::vector<tcp::socket> clients;
    for (int i = 0; i < 40; ++i) {
        clients.emplace_back(io);
        clients.back().open(tcp::v4());
    }
    rlimit normal{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &normal), 0);
    const auto open_now =
        static_cast<rlim_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                                          std::filesystem::directory_iterator{}));
    rlimit low = normal;
    low.rlim_cur = open_now + 6;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    for (auto& client : clients) client.connect(endpoint);
    // Let the acceptor meet the limit (it pauses and tries again; nothing here depends on when).
    std::this_thread::sleep_for(300ms);
    // The clients leave: the server closes its side of those it accepted, which frees
    // descriptors, and the rest are accepted and closed in turn.
    clients.clear();
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &normal), 0);

    // A new client is served.
    tcp::socket probe(io);
    probe.connect(endpoint);
    const timeval patience{.tv_sec = 20, .tv_usec = 0};  // a failure, not a hang
    ASSERT_EQ(
        setsockopt(probe.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience), 0);
    const std::string request =
        "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boost::asio::write(probe, boost::asio::buffer(request));
    std::string response;
    boost::system::error_code ec;
    boost::asio::read_until(probe, boost::asio::dynamic_buffer(response), "\"sid\"", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
}

}  // namespace
}  // namespace enginetest
