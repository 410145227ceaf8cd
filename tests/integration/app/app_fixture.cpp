#include "app_fixture.hpp"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace siotest {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

HttpClient::HttpClient(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& body) {
    std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) bytes += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
        bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    bytes += "\r\n" + body;
    return raw(bytes, method == "HEAD");
}

HttpResponse HttpClient::raw(const std::string& bytes, bool head) {
    net::write(socket_, net::buffer(bytes));
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    http::read(socket_, buffer_, parser);
    return parser.release();
}

bool HttpClient::closed_by_server() {
    socket_.non_blocking(false);
    struct timeval tv {
        1, 0
    };
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char byte;
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(net::buffer(&byte, 1), ec);
    return n == 0 && (ec == net::error::eof || ec == net::error::connection_reset);
}

HttpResponse http_get(std::uint16_t port, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
    HttpClient client(port);
    return client.request("GET", target, headers);
}

AppServer::~AppServer() {
    io_->stop();
    app_.reset();
    io_.reset();
}

socketio::ServerOptions AppServer::default_options() {
    socketio::ServerOptions options;
    options.engine.threads = 2;
    options.engine.run.listening = nullptr;
    return options;
}

}  // namespace siotest
