#pragma once
// socketio::Server — a Socket.IO v5 server on top of engineio::Server.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "engineio/http.hpp"
#include "engineio/session.hpp"
#include "socketio/namespace.hpp"
#include "socketio/options.hpp"
#include "socketio/socket.hpp"

namespace engineio {
class Server;
}

namespace socketio {

namespace detail {
class ServerCore;
class Client;
struct ServerAccess;
}  // namespace detail

// clang-format off
/// A Socket.IO server: namespaces, sockets, events, acks and rooms over an Engine.IO server.
///
///   socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
///   io.on("connect", [](socketio::Socket& s, const json& auth) {
///       return auth.contains("token");
///   });
///   io.on("chat", [](socketio::Socket& s, const json& msg) {
///       s.emit_to(msg["room"].get<std::string>(), "chat", msg);  // the room, except s
///       return json{{"ok", 1}};                                   // the client's ack argument
///   });
///   io.run("127.0.0.1", 5000);  // blocks until Ctrl-C (SIGINT), SIGTERM or stop()
///
/// The members that name no namespace act on "/" (like python-socketio's namespace=None).
///
/// Thread safety: register handlers (on, of(…).on, register_namespace, on_error_default) before
/// listen()/start()/run(). Every other member is safe from any thread, inside or outside a
/// handler; stop() too (also from a handler).
// clang-format on
class Server {
  public:
    explicit Server(ServerOptions options = {});
    /// A server without its own Engine.IO server, for in-process transports (the test client,
    /// fake sessions): drive it through engine_handler() with sessions whose executor() is one of
    /// `loops` and whose loop_index() is its index there. listen/start/run throw
    /// std::system_error(error::not_listening).
    Server(ServerOptions options, std::vector<boost::asio::any_io_executor> loops);
    ~Server();  ///< stops the server and joins the background tasks
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    const ServerOptions& options() const noexcept;

    // --- handlers ------------------------------------------------------------------------------
    /// The namespace with this name, created if needed ("/" always exists). A name without a
    /// leading '/' gets one. Throws std::invalid_argument if the name contains ',' (the wire
    /// format ends a namespace there; no client could reach it).
    Namespace of(std::string_view nsp);
    /// Handlers of "/" (see Namespace::on, on_connect, … for the signatures).
    template <class F>
    Server& on(std::string_view event, F&& handler) {
        of("/").on(event, std::forward<F>(handler));
        return *this;
    }
    template <class F>
    Server& on_connect(F&& handler) {
        of("/").on_connect(std::forward<F>(handler));
        return *this;
    }
    template <class F>
    Server& on_disconnect(F&& handler) {
        of("/").on_disconnect(std::forward<F>(handler));
        return *this;
    }
    template <class F>
    Server& on_any(F&& handler) {
        of("/").on_any(std::forward<F>(handler));
        return *this;
    }
    template <class F>
    Server& on_catch_all(F&& handler) {
        of("/").on_catch_all(std::forward<F>(handler));
        return *this;
    }
    /// A middleware of "/" (Node's io.use; see Namespace::use). Other namespaces have their own:
    /// io.of("/admin").use(…).
    template <class F>
    Server& use(F&& middleware) {
        of("/").use(std::forward<F>(middleware));
        return *this;
    }
    /// A class-based namespace (python's register_namespace).
    Server& register_namespace(std::string_view nsp, std::shared_ptr<NamespaceHandler> handler);
    /// Handler of exceptions from event handlers of namespaces without their own on_error.
    Server& on_error_default(ErrorHandler handler);
    /// Where each new socket's session data (Socket::get_session) starts: `loader`'s value for
    /// the socket's handshake, called on the socket's loop before the middlewares and connect
    /// handlers; a value that is not an object, or an exception, leaves {}. socketio::App installs
    /// one that reads its signed session cookie. Default none: {}.
    Server& set_session_loader(std::function<json(const Handshake&)> loader);

    // --- emitting on "/" -----------------------------------------------------------------------
    template <class... T>
    void emit(std::string_view event, const T&... args) {
        of("/").emit(event, args...);
    }
    template <class... T>
    void send(const T&... args) {
        of("/").emit("message", args...);
    }
    Broadcast to(std::string room) { return of("/").to(std::move(room)); }
    Broadcast to(const std::vector<std::string>& rooms) { return of("/").to(rooms); }
    Broadcast to(std::initializer_list<std::string> rooms) {
        return of("/").to(std::vector<std::string>(rooms));
    }
    Broadcast in(std::string room) { return to(std::move(room)); }
    Broadcast except(std::string room) { return of("/").except(std::move(room)); }
    Broadcast timeout(std::chrono::milliseconds t) { return of("/").timeout(t); }
    Broadcast local() { return of("/").local(); }

    // --- the cluster, on "/" (see Namespace; one process with the in-memory adapter) -----------
    /// Every socket of "/" on every server (Namespace::fetch_sockets).
    void fetch_sockets(std::function<void(std::error_code, std::vector<RemoteSocket>)> done) {
        of("/").fetch_sockets(std::move(done));
    }
    /// Sends an event to the other servers' on_server_side handlers (Namespace::server_side_emit).
    template <class... T>
    void server_side_emit(std::string_view event, const T&... args) {
        of("/").server_side_emit(event, args...);
    }
    /// The handler of server-side events of "/" from other servers (Namespace::on_server_side).
    Server& on_server_side(std::string event, ServerSideHandler handler) {
        of("/").on_server_side(std::move(event), std::move(handler));
        return *this;
    }
    /// Servers in the cluster, this one included (Namespace::server_count).
    std::size_t server_count() { return of("/").server_count(); }

    // --- sockets and rooms by sid (python-socketio's API; nsp defaults to "/") ------------------
    std::optional<Socket> socket(std::string_view sid, std::string_view nsp = "/");
    bool enter_room(std::string_view sid, std::string room, std::string_view nsp = "/");
    bool leave_room(std::string_view sid, const std::string& room, std::string_view nsp = "/");
    void close_room(const std::string& room, std::string_view nsp = "/");
    std::vector<std::string> rooms(std::string_view sid, std::string_view nsp = "/");
    /// Disconnects one socket ("server namespace disconnect"); false if there is none.
    bool disconnect(std::string_view sid, std::string_view nsp = "/", bool close = false);
    /// Session data of a socket ({} when unknown / empty).
    json get_session(std::string_view sid, std::string_view nsp = "/");
    bool save_session(std::string_view sid, json session, std::string_view nsp = "/");
    /// Socket::update_session for a sid; false when there is no such socket.
    bool update_session(std::string_view sid, const std::function<void(json&)>& update,
                        std::string_view nsp = "/");
    /// "polling" or "websocket"; empty when there is no such socket.
    std::string transport(std::string_view sid, std::string_view nsp = "/");

    // --- running -------------------------------------------------------------------------------
    /// Binds (port 0 = any free port, see port()). Throws std::system_error.
    void listen(std::string_view host, std::uint16_t port);
    std::uint16_t port() const;
    /// Runs the event loops on background threads and returns. Installs no signal handling,
    /// whatever options().engine.run.handle_signals says: a program that embeds the server decides
    /// what its signals do (and calls stop()).
    void start();
    /// The whole program's server, like Flask-SocketIO's socketio.run(app): listen(), the loops on
    /// background threads, then options().engine.run.listening(url) (by default the line
    /// "socketio-cpp listening on http://HOST:PORT" on stderr), and blocks. Returns once the
    /// server has stopped: after stop() from anywhere, or, with options().engine.run.handle_signals
    /// (the default), after SIGINT (Ctrl-C) or SIGTERM, caught with Asio's signal_set while run()
    /// runs; the stop then runs on this thread, as stop() does. Throws std::system_error if it
    /// cannot listen.
    void run(std::string_view host, std::uint16_t port);
    /// Disconnects every socket ("server shutting down"), closes every connection and returns
    /// when the loops drained. Idempotent.
    void stop();
    /// True from start() (or run()) until stop(): the event loops run on their own threads. Always
    /// false for a detached server, whose loops belong to whoever made them. (The test client
    /// asks, to know whether it must run the loops itself.)
    bool running() const noexcept { return running_.load(); }
    /// Serves a request read by the application's own Beast server (python-socketio's WSGI/ASGI
    /// middleware role): engineio::Server::handle — the server takes the connection over. Needs
    /// start() (not listen()). Throws std::system_error(error::not_listening) for a detached
    /// server.
    void handle(boost::asio::ip::tcp::socket&& socket, engineio::HttpRequest&& request,
                boost::beast::flat_buffer&& already_read = {});

    /// Runs `task` on a new thread (python's start_background_task). A finished task releases
    /// its thread at once (its stack, its captures); ~Server waits for the running ones, so a
    /// long task should loop on sleep(). An exception escaping `task` is logged.
    void start_background_task(std::function<void()> task);
    /// Sleeps for `duration`; returns false early when the server is stopping.
    bool sleep(std::chrono::milliseconds duration);

    /// Event loops (for coroutines: co_spawn(io.loop(0), …)).
    std::size_t loop_count() const noexcept;
    boost::asio::any_io_executor loop(std::size_t index) const;

    /// The Engine.IO server (throws std::system_error(error::not_listening) for a detached one).
    engineio::Server& engine();
    /// The Engine.IO handler this server installs: what an in-process transport drives.
    std::shared_ptr<engineio::Handler> engine_handler() const;

  private:
    friend class detail::Client;         // reads session_loader_
    friend struct detail::ServerAccess;  // the test client's view of core_ (server_core.hpp)

    std::shared_ptr<detail::ServerCore> core_;
    std::function<json(const Handshake&)> session_loader_;
    std::shared_ptr<engineio::Server> engine_;  // null for a detached server
    std::function<void()> engine_stop_;
    std::atomic<bool> running_{false};
};

}  // namespace socketio
