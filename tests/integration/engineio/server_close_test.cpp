// Closing a session from the server (Session::close() / Server::close()) right after sending:
// every message sent before the close reaches the client, in order, before the CLOSE packet; and
// Server::stop() does not wait for such a closed session or for idle keep-alive connections.
//
// Driven by a raw HTTP/WebSocket client (Beast, synchronous) so the order of the requests is
// exactly the one each test needs.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "echo_server.hpp"

namespace {

using namespace std::chrono_literals;
using enginetest::EchoServer;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct Reply {
    unsigned status = 0;
    std::string body;
};

/// One HTTP request/response on a keep-alive connection of its own to the server.
class HttpClient {
  public:
    explicit HttpClient(std::uint16_t port) : stream_(io_) {
        stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        stream_.expires_after(10s);
    }

    Reply request(http::verb method, const std::string& target, std::string body = {}) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(true);
        if (method == http::verb::post) {
            req.set(http::field::content_type, "text/plain;charset=UTF-8");
            req.body() = std::move(body);
            req.prepare_payload();
        }
        stream_.expires_after(10s);
        http::write(stream_, req);
        http::response<http::string_body> res;
        http::read(stream_, buffer_, res);
        return {res.result_int(), res.body()};
    }

  private:
    net::io_context io_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
};

const std::string kPath = "/engine.io/?EIO=4&transport=polling";

std::string handshake(std::uint16_t port) {
    HttpClient client(port);
    const Reply open = client.request(http::verb::get, kPath);
    EXPECT_EQ(open.status, 200u) << open.body;
    EXPECT_TRUE(open.body.starts_with("0")) << open.body;
    return nlohmann::json::parse(open.body.substr(1)).at("sid").get<std::string>();
}

std::vector<std::string> split_payload(const std::string& body) {
    std::vector<std::string> packets;
    std::size_t start = 0;
    for (;;) {
        const auto end = body.find('\x1e', start);
        packets.push_back(body.substr(start, end - start));
        if (end == std::string::npos) return packets;
        start = end + 1;
    }
}

/// GETs until a response carries the CLOSE packet (starting with `first`, the body of a GET that
/// was already waiting). Checks the messages arrived in order, and the CLOSE came alone: a
/// socket.io-client handles the packets of one payload a tick late but a CLOSE at once, so a
/// message sharing the CLOSE's payload would be lost to it.
void expect_messages_then_close(std::uint16_t port, const std::string& sid,
                                std::vector<std::string> first_bodies,
                                const std::vector<std::string>& expected) {
    std::vector<std::string> bodies = std::move(first_bodies);
    auto has_close = [](const std::string& body) {
        for (const auto& p : split_payload(body)) {
            if (p == "1") return true;
        }
        return false;
    };
    HttpClient client(port);
    while (bodies.empty() || !has_close(bodies.back())) {
        ASSERT_LT(bodies.size(), 10u) << "no CLOSE packet";
        const Reply r = client.request(http::verb::get, kPath + "&sid=" + sid);
        ASSERT_EQ(r.status, 200u) << r.body;
        bodies.push_back(r.body);
    }
    std::vector<std::string> messages;
    for (const auto& body : bodies) {
        for (const auto& p : split_payload(body)) {
            if (p.starts_with("4")) messages.push_back(p.substr(1));
        }
    }
    EXPECT_EQ(messages, expected);
    EXPECT_EQ(bodies.back(), "1") << "the CLOSE packet shares its payload with other packets";
    // The session is gone once the CLOSE was delivered.
    const Reply after = client.request(http::verb::get, kPath + "&sid=" + sid);
    EXPECT_EQ(after.status, 400u) << after.body;
}

const std::vector<std::string> kBurst = {"m0", "m1", "m2"};

// The handler sends and closes while handling a POST and no GET waits: the next GETs get the
// messages, then the CLOSE.
TEST(PollingServerClose, MessagesSentBeforeCloseArriveFirstWithoutAWaitingGet) {
    EchoServer server({.heartbeat = {.ping_interval = 10s, .ping_timeout = 5s}, .threads = 2});
    const std::string sid = handshake(server.port());
    {
        HttpClient client(server.port());
        const Reply posted = client.request(http::verb::post, kPath + "&sid=" + sid,
                                            "4cmd:burst:3\x1e"
                                            "4cmd:close");
        EXPECT_EQ(posted.status, 200u);
        EXPECT_EQ(posted.body, "ok");
    }
    ASSERT_EQ(server.wait_for_disconnect(sid), engineio::DisconnectReason::server_close);
    expect_messages_then_close(server.port(), sid, {}, kBurst);
}

// The same while a GET waits: it takes what is sent first; the rest and the CLOSE follow.
TEST(PollingServerClose, MessagesSentBeforeCloseArriveFirstWithAWaitingGet) {
    EchoServer server({.heartbeat = {.ping_interval = 10s, .ping_timeout = 5s}, .threads = 2});
    const std::string sid = handshake(server.port());
    auto waiting = std::async(std::launch::async, [&] {
        HttpClient client(server.port());
        return client.request(http::verb::get, kPath + "&sid=" + sid);
    });
    // Let the GET arrive first (if it does not, the test still checks the no-GET case).
    std::this_thread::sleep_for(200ms);
    {
        HttpClient client(server.port());
        const Reply posted = client.request(http::verb::post, kPath + "&sid=" + sid,
                                            "4cmd:burst:3\x1e"
                                            "4cmd:close");
        EXPECT_EQ(posted.status, 200u);
    }
    const Reply first = waiting.get();
    ASSERT_EQ(first.status, 200u) << first.body;
    expect_messages_then_close(server.port(), sid, {first.body}, kBurst);
}

// Over WebSocket: the messages, in order, then the end of the session.
TEST(WebSocketServerClose, MessagesSentBeforeCloseArriveFirst) {
    EchoServer server({.heartbeat = {.ping_interval = 10s, .ping_timeout = 5s}, .threads = 2});
    net::io_context io;
    beast::websocket::stream<beast::tcp_stream> ws(io);
    beast::get_lowest_layer(ws).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws.handshake("127.0.0.1", "/engine.io/?EIO=4&transport=websocket");
    beast::flat_buffer buffer;
    ws.read(buffer);
    ASSERT_TRUE(beast::buffers_to_string(buffer.data()).starts_with("0"));
    buffer.clear();
    ws.write(net::buffer(std::string("4cmd:burst:3")));
    ws.write(net::buffer(std::string("4cmd:close")));
    std::vector<std::string> messages;
    for (;;) {
        beast::error_code ec;
        ws.read(buffer, ec);
        if (ec) break;  // the close frame
        const std::string frame = beast::buffers_to_string(buffer.data());
        buffer.clear();
        if (frame.starts_with("4")) messages.push_back(frame.substr(1));
        ASSERT_LT(messages.size(), 10u);
    }
    EXPECT_EQ(messages, kBurst);
}

// stop() with an idle keep-alive polling connection and a session closed by the server that no
// GET has collected yet returns promptly: neither is waited for (a hang check with a generous
// bound, not a performance test).
TEST(PollingServerClose, StopDoesNotWaitForALingeringSessionOrAnIdleConnection) {
    EchoServer server({.heartbeat = {.ping_interval = 20s, .ping_timeout = 10s}, .threads = 2});
    HttpClient keep_alive(server.port());
    const Reply open = keep_alive.request(http::verb::get, kPath);
    ASSERT_EQ(open.status, 200u);
    const auto sid = nlohmann::json::parse(open.body.substr(1)).at("sid").get<std::string>();
    const Reply posted = keep_alive.request(http::verb::post, kPath + "&sid=" + sid,
                                            "4cmd:burst:2\x1e"
                                            "4cmd:close");
    ASSERT_EQ(posted.status, 200u);
    ASSERT_EQ(server.wait_for_disconnect(sid), engineio::DisconnectReason::server_close);
    // keep_alive stays open and idle; the closed session waits for a GET that never comes.
    const auto started = std::chrono::steady_clock::now();
    server.server().stop();
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                        << " ms";
}

}  // namespace
