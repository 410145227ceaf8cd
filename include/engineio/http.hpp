#pragma once
// engineio::HttpHandler — the HTTP requests that are not Engine.IO's, handed to the application.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>

namespace engineio {

/// A request as the server read it (Beast's own type: what a Beast user already handles).
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

/// Where a request handed to an HttpHandler came from.
struct HttpPeer {
    std::string address;  ///< peer IP of the TCP connection ("127.0.0.1", "::1")
    std::uint16_t port = 0;
    bool secure = false;  ///< arrived over TLS
};

namespace detail {
/// The connection waiting for the answer of an HttpReply (internal).
class HttpReplyTarget {
  public:
    virtual ~HttpReplyTarget() = default;
    virtual void send_reply(boost::beast::http::message_generator response) = 0;
    virtual boost::asio::any_io_executor reply_executor() const = 0;
};
}  // namespace detail

/// The one answer to a request handed to an HttpHandler. Move-only; send() it once, now or later,
/// from any thread: the response is written on the connection's loop, and the connection reads its
/// next request (keep-alive) only after it. Any Beast response fits (string_body, file_body, …):
///
///   reply.send(http::response<http::string_body>{http::status::ok, req.version(), "hi"});
///
/// A reply destroyed unsent answers 500 Internal Server Error, so a dropped reply never leaves the
/// connection hanging. Set the response's keep_alive() from the request's (Beast's
/// prepare_payload() sets Content-Length; keep_alive(false) closes the connection after it).
///
/// Thread safety: one thread at a time per HttpReply (it is a value you move where it is needed).
class HttpReply {
  public:
    HttpReply(std::shared_ptr<detail::HttpReplyTarget> target, unsigned version, bool keep_alive);
    HttpReply(HttpReply&&) noexcept = default;
    HttpReply& operator=(HttpReply&& other) noexcept;
    ~HttpReply();

    /// Writes `response` on the connection. A second call does nothing.
    void send(boost::beast::http::message_generator response);
    /// True once send() was called.
    bool sent() const noexcept { return target_ == nullptr; }
    /// The loop of the connection (for an answer computed there, e.g. by a coroutine).
    boost::asio::any_io_executor executor() const;

  private:
    void send_default_error() noexcept;

    std::shared_ptr<detail::HttpReplyTarget> target_;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    boost::asio::any_io_executor executor_;
};

/// Handles a request whose path is not the Engine.IO path (ServerOptions::path). Called on the
/// connection's loop, after the whole body was read (at most http.max_body_size bytes; a larger
/// one was answered 413 without calling it). It must not block the loop: answer now, or keep the
/// reply and answer later from anywhere. An exception escaping it answers 500 (and is logged).
using HttpHandler =
    std::function<void(HttpRequest&& request, const HttpPeer& peer, HttpReply reply)>;

}  // namespace engineio
