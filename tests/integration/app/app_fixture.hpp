#pragma once
// The server side of the application-layer tests: a socketio::Server with a socketio::App on
// 127.0.0.1, port 0, and a raw HTTP/1.1 client that writes requests byte for byte (an attack
// path reaches the server as written) and reads responses with Beast.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "socketio/app.hpp"
#include "socketio/socketio.hpp"

namespace siotest {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// One keep-alive HTTP/1.1 connection to 127.0.0.1:port.
class HttpClient {
  public:
    explicit HttpClient(std::uint16_t port);
    /// Writes `method target` with a Host header, the extra header lines and the body, then reads
    /// one response. A HEAD's response is read as bodiless.
    HttpResponse request(const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = {});
    /// Writes these bytes as they are and reads one response (`head`: to a HEAD request).
    HttpResponse raw(const std::string& bytes, bool head = false);
    /// True once the server closed the connection (reads end of stream within a second).
    bool closed_by_server();

  private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

/// One GET on a new connection.
HttpResponse http_get(std::uint16_t port, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

/// A started server with an App; routes are added by `setup` before it starts.
class AppServer {
  public:
    template <class Setup>
    explicit AppServer(Setup&& setup, socketio::AppOptions app_options = {},
                       socketio::ServerOptions options = default_options())
        : io_(std::make_unique<socketio::Server>(std::move(options))),
          app_(std::make_unique<socketio::App>(*io_, std::move(app_options))) {
        setup(*io_, *app_);
        io_->listen("127.0.0.1", 0);
        io_->start();
    }
    ~AppServer();

    static socketio::ServerOptions default_options();
    std::uint16_t port() const { return io_->port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    socketio::Server& io() { return *io_; }

  private:
    std::unique_ptr<socketio::Server> io_;
    std::unique_ptr<socketio::App> app_;
};

}  // namespace siotest
