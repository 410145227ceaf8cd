#pragma once
// socketio::Socket — one client connected to one namespace; socketio::Broadcast — emit to many.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "engineio/request.hpp"
#include "socketio/ack.hpp"
#include "socketio/adapter.hpp"
#include "socketio/detail/emit.hpp"
#include "socketio/detail/handler.hpp"
#include "socketio/json.hpp"

namespace socketio {

class Namespace;
class Server;

namespace detail {
class SocketImpl;
class NamespaceImpl;
}  // namespace detail

/// Why a socket left its namespace (the strings are Socket.IO's disconnect reasons).
enum class DisconnectReason {
    client_namespace_disconnect,  ///< the client left the namespace  "client namespace disconnect"
    server_namespace_disconnect,  ///< Socket::disconnect()           "server namespace disconnect"
    transport_close,              ///< the connection was closed      "transport close"
    transport_error,              ///< read/write error, send queue full "transport error"
    ping_timeout,                 ///< no PONG in time                "ping timeout"
    parse_error,                  ///< the client sent an invalid packet "parse error"
    server_shutting_down,         ///< Server::stop()                 "server shutting down"
    forced_server_close,          ///< the server closed the connection "forced server close"
};
std::string_view to_string(DisconnectReason reason) noexcept;

/// What a socket's connection looked like when it connected (Node's socket.handshake).
///
/// The request is shared with the Engine.IO session, not copied: every socket of a connection
/// views the same headers and query, which a connection holds once for its whole life.
struct Handshake {
    Handshake() = default;
    explicit Handshake(std::shared_ptr<const engineio::Request> request)
        : request_(std::move(request)) {}

    /// The HTTP request that opened the connection (the first polling GET or the WebSocket
    /// upgrade), as the engine parsed it: `headers` (names lower-case), `query` (percent-decoded),
    /// `target` (Node's handshake.url), `secure` (TLS), `remote_address`. The same for every
    /// socket of the connection; an empty Request for a default-constructed Handshake.
    const engineio::Request& request() const noexcept;
    /// Client address: the peer IP, or the first X-Forwarded-For entry when
    /// ServerOptions::connect.trust_forwarded_for is on.
    std::string address;
    std::int64_t issued = 0;     ///< milliseconds since the epoch at connect
    json auth = json::object();  ///< the CONNECT packet's auth payload ({} when none)

    /// First header with this name (case-insensitive): engineio::Request::header.
    std::optional<std::string_view> header(std::string_view name) const {
        return request().header(name);
    }
    /// First query parameter with this name: engineio::Request::query_param.
    std::optional<std::string_view> query_param(std::string_view name) const {
        return request().query_param(name);
    }
    /// The value of a cookie of the Cookie header (the first one with this name; surrounding
    /// double quotes removed), viewing the request.
    std::optional<std::string_view> cookie(std::string_view name) const;
    /// Every cookie of the Cookie header (parsed on each call: the handshake keeps none apart).
    std::map<std::string, std::string> cookies() const;

  private:
    std::shared_ptr<const engineio::Request> request_;
};

/// Emits to several sockets of one namespace: rooms, exceptions, acks. Built by Server::to(),
/// Namespace::to(), Socket::to() …; each call returns a new operator, so they chain:
///   io.to("room1").to("room2").except(sid).emit("news", article);
/// A broadcast is encoded once; every recipient gets the same shared buffer.
///
/// Thread safety: a Broadcast is a value; its members are safe from any thread.
class Broadcast {
  public:
    Broadcast(std::shared_ptr<detail::NamespaceImpl> ns, BroadcastOptions options);

    /// Also to the sockets in this room (a sid is a room too). No room = the whole namespace.
    Broadcast to(std::string room) const;
    Broadcast to(const std::vector<std::string>& rooms) const;
    Broadcast to(std::initializer_list<std::string> rooms) const {
        return to(std::vector<std::string>(rooms));
    }
    Broadcast in(std::string room) const { return to(std::move(room)); }
    /// Skip the sockets in this room (or with this sid) — python's skip_sid.
    Broadcast except(std::string room) const;
    Broadcast except(const std::vector<std::string>& rooms) const;
    Broadcast except(std::initializer_list<std::string> rooms) const {
        return except(std::vector<std::string>(rooms));
    }
    /// Only the sockets of this process (matters with a cluster adapter).
    Broadcast local() const;
    /// The timeout of emit_with_ack (none by default: then it waits until every recipient
    /// acknowledged or disconnected).
    Broadcast timeout(std::chrono::milliseconds timeout) const;

    /// Emits to every matching socket (each argument json, anything with to_json, or Args).
    template <class... T>
    void emit(std::string_view event, const T&... args) const {
        emit_args(event, detail::make_args(args...));
    }
    /// Emit asking every recipient for an ack, the callback last (as in Node):
    ///   io.timeout(5s).emit_with_ack("poll", question, [](std::error_code ec,
    ///                                                     std::vector<json> answers) { … });
    /// The callback gets all responses (see BroadcastAckCallback).
    // clang-format off
    template <class... T>
        requires(sizeof...(T) > 0 && detail::is_broadcast_ack_callback<detail::last_t<T...>>)
    void emit_with_ack(std::string_view event, T&&... args_then_callback) const {
        auto [args, on_acks] =
            detail::split_callback<BroadcastAckCallback>(std::forward<T>(args_then_callback)...);
        emit_args_with_ack(event, std::move(args), std::move(on_acks));
    }
    // clang-format on
    /// The same with the arguments as one JSON array. Throws std::system_error
    /// (error::reserved_event) for reserved event names.
    void emit_args(std::string_view event, json args) const;
    void emit_args_with_ack(std::string_view event, json args, BroadcastAckCallback on_acks) const;

    /// Sids of the matching sockets of this process.
    std::vector<std::string> sockets() const;
    /// Makes the matching sockets join / leave rooms (Node's socketsJoin / socketsLeave).
    void socket_join(const std::vector<std::string>& rooms) const;
    void socket_leave(const std::vector<std::string>& rooms) const;
    /// Disconnects the matching sockets ("server namespace disconnect"); `close` also closes
    /// their connections.
    void disconnect_sockets(bool close = false) const;

    const BroadcastOptions& options() const noexcept { return options_; }

  private:
    std::shared_ptr<detail::NamespaceImpl> ns_;
    BroadcastOptions options_;
    std::optional<std::chrono::milliseconds> timeout_;
};

/// What an emit to one socket did: uWebSockets-style backpressure the caller can act on.
enum class EmitResult {
    queued,   ///< in the connection's send queue
    dropped,  ///< not sent: the socket has disconnected (or never connected)
    /// Not sent: the connection's send queue already holds engine.limits.max_send_queue_bytes (the
    /// client does not read fast enough). The socket stays connected; try again later, or drop.
    refused,
};
std::string_view to_string(EmitResult result) noexcept;

/// One client connected to one namespace. A Socket is a cheap handle (copy it into background
/// tasks freely); it stays valid after the client disconnected, its emits are then dropped.
///
///   io.on("chat", [](socketio::Socket& s, const json& msg) {
///       s.to(msg["room"].get<std::string>()).emit("chat", msg);  // the room, except s
///       return "ok";                                              // the client's ack
///   });
///
/// Thread safety: every member is safe from any thread, inside or outside a handler. Emits from
/// one thread reach the client in order. Handlers of one socket run on its event loop (or on
/// the worker pool with ServerOptions::handlers.async).
class Socket {
  public:
    Socket() = default;  ///< an empty handle (valid() == false)
    explicit Socket(std::shared_ptr<detail::SocketImpl> impl) : impl_(std::move(impl)) {}

    bool valid() const noexcept { return impl_ != nullptr; }
    const std::string& sid() const noexcept;  ///< this socket's id (its personal room)
    /// The namespace this socket is connected to (Node's socket.nsp): emit to it, look up other
    /// sockets, … without capturing a handle in the handler.
    Namespace nsp() const;
    const std::string& nsp_name() const noexcept;    ///< its name ("/", "/admin")
    Server& server() const;                          ///< the server it belongs to
    const std::string& engine_sid() const noexcept;  ///< sid of the Engine.IO connection
    const Handshake& handshake() const noexcept;
    std::string_view transport() const noexcept;  ///< "polling" or "websocket"
    bool connected() const noexcept;
    /// The event loop this socket lives on.
    const boost::asio::any_io_executor& executor() const noexcept;

    /// Emits an event with any number of arguments (json, anything with to_json, or Args for
    /// several). Throws std::system_error(error::reserved_event) for reserved names (connect,
    /// disconnect, …). Says whether the packet was queued (see EmitResult).
    template <class... T>
    EmitResult emit(std::string_view event, const T&... args) const {
        return emit_args(event, detail::make_args(args...));
    }
    /// The "message" event (python's send()).
    template <class... T>
    EmitResult send(const T&... args) const {
        return emit_args("message", detail::make_args(args...));
    }
    /// Emits asking for an ack, the callback last (as in Node): `on_ack(ec, args)` runs once on
    /// the socket's loop with the client's ack arguments, or with an error (ack_timeout after
    /// timeout(), socket_disconnected, too_many_pending_acks).
    ///   s.timeout(5s).emit_with_ack("ask", question, [](std::error_code ec, json answer) { … });
    // clang-format off
    template <class... T>
        requires(sizeof...(T) > 0 && detail::is_ack_callback<detail::last_t<T...>>)
    void emit_with_ack(std::string_view event, T&&... args_then_callback) const {
        auto [args, on_ack] =
            detail::split_callback<AckCallback>(std::forward<T>(args_then_callback)...);
        emit_args_with_ack(event, std::move(args), std::move(on_ack));
    }
    // clang-format on
    /// The same for coroutine code, without the callback:
    ///   AckResult r = co_await s.emit_with_ack("ping", 1);        // {ec, args}
    ///   int n = co_await s.emit_with_ack<int>("count");            // the first ack argument
    ///   auto [a, b] = co_await s.emit_with_ack<std::tuple<int, std::string>>("pair");
    /// With a type other than AckResult, an error (timeout, disconnect) is thrown as
    /// std::system_error and an ack argument that does not convert as ArgumentError. The awaiting
    /// coroutine resumes on its own executor.
    // clang-format off
    template <class Result = AckResult, class... T>
        requires(sizeof...(T) == 0 || !detail::is_ack_callback<detail::last_t<T...>>)
    boost::asio::awaitable<Result> emit_with_ack(std::string_view event, const T&... args) const {
        if constexpr (std::is_same_v<Result, AckResult>) {
            return co_emit_args_with_ack(std::string(event), detail::make_args(args...));
        } else {
            return detail::convert_ack<Result>(
                co_emit_args_with_ack(std::string(event), detail::make_args(args...)));
        }
    }
    // clang-format on
    EmitResult emit_args(std::string_view event, json args) const;
    void emit_args_with_ack(std::string_view event, json args, AckCallback on_ack) const;
    boost::asio::awaitable<AckResult> co_emit_args_with_ack(std::string event, json args) const;

    /// A handle whose emit_with_ack gives up after `timeout` (error::ack_timeout).
    Socket timeout(std::chrono::milliseconds timeout) const;

    /// Broadcast to a room (or several) of this namespace, except this socket (Node's
    /// socket.to(room)). Shortcut: emit_to(room, event, args…).
    Broadcast to(std::string room) const;
    Broadcast to(const std::vector<std::string>& rooms) const;
    Broadcast to(std::initializer_list<std::string> rooms) const {
        return to(std::vector<std::string>(rooms));
    }
    /// Broadcast to the whole namespace except this socket.
    Broadcast broadcast() const;
    template <class... T>
    void emit_to(std::string room, std::string_view event, const T&... args) const {
        to(std::move(room)).emit(event, args...);
    }

    /// Room membership. Every socket is in its own room named by its sid; rooms are left
    /// automatically on disconnect. Changes run on the socket's loop (at once in its handlers,
    /// else posted there).
    void join(std::string room) const;
    void join(const std::vector<std::string>& rooms) const;
    void leave(const std::string& room) const;
    std::vector<std::string> rooms() const;

    /// Disconnects this socket from its namespace (the client gets DISCONNECT, the disconnect
    /// handler sees server_namespace_disconnect). `close` also closes the whole connection.
    void disconnect(bool close = false) const;

    /// Per-socket session data (python's get_session/save_session): a JSON value, {} at first.
    json get_session() const;
    void save_session(json session) const;
    /// Read-modify-write of the session under its lock, so that handlers running at once (with
    /// handlers.async) do not lose each other's changes:
    ///   s.update_session([](json& s) { s["visits"] = s.value("visits", 0) + 1; });
    /// `update` must not call back into this socket's session.
    void update_session(const std::function<void(json&)>& update) const;

    /// Application data of any type, owned by the socket (Node's socket.data), created as T{} on
    /// first use: `s.data<User>().name = "ann";`. A socket holds one value: asking for another
    /// type than the one it holds throws std::bad_cast; set_data() replaces it with any type.
    /// The reference stays valid while the socket lives (while any handle to it exists). Not
    /// synchronised: handlers of one socket run one at a time on its loop, but with handlers.async
    /// or from other threads guard the value yourself (or keep it in the session).
    template <class T>
    T& data() const {
        return *static_cast<T*>(
            data_slot(typeid(T), {}, [] { return detail::DataBox::of<T>(T{}); }));
    }
    template <class T>
    T& set_data(T value) const {
        using D = std::decay_t<T>;
        return *static_cast<D*>(
            data_slot(typeid(D), detail::DataBox::of<D>(std::move(value)), nullptr));
    }
    /// True when the socket holds application data of type T.
    template <class T>
    bool has_data() const noexcept {
        return holds_data(typeid(T));
    }

    /// The implementation (for the server and adapters).
    const std::shared_ptr<detail::SocketImpl>& impl() const noexcept { return impl_; }

  private:
    void* data_slot(const std::type_info& type, detail::DataBox replacement,
                    detail::DataBox (*make)()) const;
    bool holds_data(const std::type_info& type) const noexcept;

    std::shared_ptr<detail::SocketImpl> impl_;
    std::optional<std::chrono::milliseconds> timeout_;
};

}  // namespace socketio
