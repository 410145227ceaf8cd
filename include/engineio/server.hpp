#pragma once
// engineio::Server — an Engine.IO v4 server (HTTP long-polling + WebSocket) on Boost.Beast.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "engineio/http.hpp"
#include "engineio/message.hpp"
#include "engineio/options.hpp"
#include "engineio/session.hpp"

namespace engineio {

/// An Engine.IO server: N event loops (one per thread), an acceptor that spreads connections over
/// them, and the polling and WebSocket transports. Usable on its own (see examples/engineio_echo)
/// and as the transport of socketio::Server.
///
///   engineio::Server server{{.path = "/engine.io/"}};
///   server.on_message([](const engineio::SessionPtr& s, std::string_view data, bool binary) {
///       s->send(binary ? engineio::Message::binary(std::string(data))
///                      : engineio::Message::text(std::string(data)));
///   });
///   server.run("127.0.0.1", 3000);   // blocks until Ctrl-C (SIGINT), SIGTERM or stop()
///
/// Requests for other paths go to the HTTP handler (set_http_handler), or get 404 without one.
///
/// Thread safety: set_handler()/on_*()/set_http_handler() before listen()/start(); every other
/// member is safe from any thread.
class Server {
  public:
    explicit Server(ServerOptions options = {});
    ~Server();  ///< stops the server if it runs
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    const ServerOptions& options() const noexcept;

    /// The user of the engine (Socket.IO installs itself here). Replaces the on_*() callbacks.
    void set_handler(std::shared_ptr<Handler> handler);
    /// Callbacks, for users who need no Handler class. See Handler for their contract.
    void on_connect(std::function<bool(const SessionPtr&)> callback);
    void on_message(std::function<void(const SessionPtr&, std::string_view, bool)> callback);
    void on_disconnect(std::function<void(const SessionPtr&, DisconnectReason)> callback);
    /// Where requests for paths other than options().path go (routes, static files: socketio::App
    /// installs itself here). Default none: those requests get 404 Not Found.
    void set_http_handler(HttpHandler handler);

    /// Serves a request that a Beast server of the application read itself (python-socketio's
    /// WSGI/ASGI middleware role), typically one whose path is options().path: the engine takes
    /// the connection over, answers the request on one of its loops (a long-poll, a POST, a
    /// WebSocket upgrade) and serves the next requests of that connection too (keep-alive; those
    /// for other paths go to the HTTP handler, or get 404). `already_read` holds the bytes the
    /// caller read past the request (Beast's flat_buffer of http::read), which belong to the next
    /// request or to the WebSocket. Plain TCP only: terminate TLS in front of it. Needs the loops
    /// running (start()); listen() is not needed. After stop() the socket is closed.
    ///
    ///   http::read(socket, buffer, request);
    ///   if (request.target().starts_with("/socket.io/"))
    ///       return io.handle(std::move(socket), std::move(request), std::move(buffer));
    void handle(boost::asio::ip::tcp::socket&& socket, HttpRequest&& request,
                boost::beast::flat_buffer&& already_read = {});

    /// Binds and listens. Port 0 picks a free port (see port()). Throws std::system_error.
    void listen(std::string_view host, std::uint16_t port);
    /// The bound port after listen().
    std::uint16_t port() const noexcept;
    /// Runs the event loops on background threads and returns at once. Installs no signal
    /// handling, whatever options().run.handle_signals says: a program that embeds the server
    /// decides what its signals do (and calls stop()).
    void start();
    /// The whole program's server: listen(), the event loops on background threads, then
    /// options().run.listening(url) (by default "socketio-cpp listening on http://HOST:PORT" on
    /// stderr), and blocks. Returns once the server has stopped: after stop() from anywhere, or,
    /// with options().run.handle_signals (the default), after SIGINT (Ctrl-C) or SIGTERM, caught
    /// with Asio's signal_set while run() runs; the stop then runs on this thread. Throws
    /// std::system_error if it cannot listen.
    void run(std::string_view host, std::uint16_t port);
    /// Closes every session (CLOSE / WebSocket close 1001), stops accepting, and returns when the
    /// loops have drained. Idempotent; callable from any thread, including a callback.
    void stop();

    /// The session with this sid, or null.
    SessionPtr find(std::string_view sid) const;
    /// Sends to a session by sid; false if there is none.
    bool send(std::string_view sid, Message message);
    /// Closes a session by sid; false if there is none.
    bool close(std::string_view sid);

    /// The event loops, for users that keep per-loop state (Socket.IO's broadcast fan-out).
    std::size_t loop_count() const noexcept;
    boost::asio::any_io_executor loop(std::size_t index) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace engineio
