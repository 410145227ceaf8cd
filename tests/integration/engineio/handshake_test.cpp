// The handshake: the OPEN packet (polling and WebSocket) has exactly the spec's keys with values
// that follow ServerOptions, and on_connect sees the session and its handshake request.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Handshake, PollingOpenPacketHasDefaults) {
    EchoServer server;
    auto result = server.run_script("handshake", "polling");
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 2u);
    EXPECT_EQ(server.connected(), sids);
    SessionRecord first = server.record(sids[0]);
    EXPECT_EQ(first.transport_at_connect, "polling");
    EXPECT_EQ(first.request.method(), "GET");
    EXPECT_EQ(first.request.path(), "/engine.io/");
    EXPECT_EQ(first.request.query_param("EIO"), "4");
    EXPECT_EQ(first.request.query_param("transport"), "polling");
    EXPECT_EQ(first.request.remote_address(), "127.0.0.1");
    EXPECT_NE(first.request.remote_port(), 0);
    EXPECT_FALSE(first.request.secure());
    EXPECT_EQ(first.request.header("HOST"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(Handshake, QueryParametersArePercentDecoded) {
    EchoServer server;
    auto result = server.run_script("handshake", "query");
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    engineio::Request request = server.record(sids[0]).request;
    EXPECT_EQ(request.query_param("token"), "a b+c&d") << "the first of two, decoded";
    EXPECT_EQ(request.query_param("empty"), "");
    EXPECT_EQ(request.query_param("missing"), std::nullopt);
    std::vector<std::pair<std::string, std::string>> expected{{"EIO", "4"},
                                                              {"transport", "polling"},
                                                              {"token", "a b+c&d"},
                                                              {"empty", ""},
                                                              {"token", "second"}};
    EXPECT_EQ(request.query().to_vector(), expected);
    EXPECT_NE(request.target().find("token=a%20b%2Bc%26d"), std::string::npos) << request.target();
}

TEST(Handshake, PollingOpenPacketFollowsOptions) {
    EchoServer server({.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms},
                       .limits = {.max_payload = 5000}});
    auto result = server.run_script("handshake", "polling",
                                    {"pingInterval=300", "pingTimeout=200", "maxPayload=5000"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Handshake, NoUpgradesOfferedWhenUpgradesAreOff) {
    EchoServer server({.transports = {.allow_upgrades = false}});
    auto result = server.run_script("handshake", "polling", {"upgrades=none"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Handshake, NoUpgradesOfferedWhenWebSocketIsNotATransport) {
    EchoServer server({.transports = {.allowed = {"polling"}}});
    auto result = server.run_script("handshake", "polling", {"upgrades=none"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Handshake, WebSocketOpenPacketOffersNoUpgrades) {
    EchoServer server({.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms}});
    auto result =
        server.run_script("handshake", "websocket", {"pingInterval=300", "pingTimeout=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    SessionRecord record = server.record(sids[0]);
    EXPECT_EQ(record.transport_at_connect, "websocket");
    EXPECT_EQ(record.request.query_param("transport"), "websocket");
    EXPECT_TRUE(record.request.header("upgrade").has_value());
    // The client closed the WebSocket without a CLOSE packet.
    EXPECT_EQ(server.wait_for_disconnect(sids[0]), engineio::DisconnectReason::transport_close);
}

TEST(Handshake, WebSocketAcceptKeyIsRfc6455s) {
    // The sample handshake of RFC 6455 section 1.3: this key must be answered with this accept.
    EchoServer server;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    const std::string request =
        "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(request));
    std::string response;
    boost::asio::read_until(socket, boost::asio::dynamic_buffer(response), "\r\n\r\n");
    EXPECT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;
    EXPECT_NE(response.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
              std::string::npos)
        << response;
}

}  // namespace
}  // namespace enginetest
