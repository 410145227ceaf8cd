#pragma once
// One HTTP/1.1 request to 127.0.0.1:port over a fresh connection, for the examples' tests that
// talk to an App's routes.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace sio_examples {

namespace http = boost::beast::http;

/// `body`, when not empty, is sent as JSON; `headers` are added as given.
inline http::response<http::string_body> request(
    std::uint16_t port, http::verb method, const std::string& target, const std::string& body = {},
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
}

/// "name=value" of a response's Set-Cookie (empty when it sets none).
inline std::string cookie_of(const http::response<http::string_body>& response) {
    const std::string set_cookie(response[http::field::set_cookie]);
    return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace sio_examples
