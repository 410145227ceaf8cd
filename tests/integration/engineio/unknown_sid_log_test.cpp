// A request for a sid this process does not know — what every server but one sees behind a load
// balancer without sticky sessions — is answered 400 "Session ID unknown" and logged at warning
// with a line that names the cause, and a flood of them costs a few lines, not one per request.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "echo_server.hpp"

namespace enginetest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// Adds a sink to the "engineio" logger while it lives.
class EngineLogCapture {
  public:
    EngineLogCapture()
        : logger_(spdlog::get("engineio")),
          sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
        sink_->set_pattern("%l %v");
        logger_->sinks().push_back(sink_);
    }
    ~EngineLogCapture() {
        auto& sinks = logger_->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    std::vector<std::string> lines(std::string_view needle) const {
        sink_->flush();
        std::vector<std::string> result;
        std::istringstream in(out_.str());
        for (std::string line; std::getline(in, line);) {
            if (line.find(needle) != std::string::npos) result.push_back(line);
        }
        return result;
    }

  private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

/// A polling GET for `sid` as a proxy would forward it; returns the status and body.
std::pair<unsigned, std::string> poll_unknown(std::uint16_t port, const std::string& sid) {
    boost::asio::io_context io;
    tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::empty_body> req{http::verb::get,
                                        "/engine.io/?EIO=4&transport=polling&sid=" + sid, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("X-Forwarded-For", "10.1.2.3");
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return {res.result_int(), res.body()};
}

TEST(UnknownSidLog, NamesStickySessionsAndIsRateLimited) {
    EchoServer server;
    EngineLogCapture capture;
    const auto [status, body] = poll_unknown(server.port(), "not-a-session-of-ours");
    EXPECT_EQ(status, 400u);
    EXPECT_NE(body.find("Session ID unknown"), std::string::npos) << body;

    auto lines = capture.lines("unknown sid");
    ASSERT_EQ(lines.size(), 1u);
    const std::string& line = lines[0];
    EXPECT_EQ(line.rfind("warning ", 0), 0u) << line;
    for (const char* part : {"'not-a-session-of-ours'", "from 127.0.0.1", "10.1.2.3", "polling",
                             "sticky sessions", "ip_hash", "docs/cluster.md"}) {
        EXPECT_NE(line.find(part), std::string::npos) << part << " missing from: " << line;
    }

    // A flood (a misconfigured balancer, or someone guessing sids) stays a handful of lines.
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(poll_unknown(server.port(), "guess-" + std::to_string(i)).first, 400u);
    }
    lines = capture.lines("unknown sid");
    EXPECT_GE(lines.size(), 2u);
    EXPECT_LE(lines.size(), 5u) << "at most 5 lines per minute";
    EXPECT_TRUE(server.connected().empty());
}

TEST(UnknownSidLog, WebSocketUpgradeForAnUnknownSidToo) {
    EchoServer server;
    EngineLogCapture capture;
    boost::asio::io_context io;
    beast::websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    beast::websocket::response_type response;
    boost::system::error_code ec;
    ws.handshake(response, "127.0.0.1", "/engine.io/?EIO=4&transport=websocket&sid=gone-elsewhere",
                 ec);
    EXPECT_TRUE(ec) << "the upgrade must be refused";
    EXPECT_EQ(response.result_int(), 400u);
    const auto lines = capture.lines("unknown sid 'gone-elsewhere'");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("websocket"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace enginetest
