#pragma once
// socketio::Namespace — the handlers and sockets of one namespace; socketio::NamespaceHandler —
// class-based namespaces.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "socketio/adapter.hpp"
#include "socketio/detail/handler.hpp"
#include "socketio/error.hpp"
#include "socketio/socket.hpp"

namespace socketio {

/// Handler of an exception thrown by an event handler: gets the socket, the event name, its
/// arguments and the exception (rethrow it to inspect it).
using ErrorHandler = detail::ErrorHandler;

/// Handler of a server-side event another server of the cluster sent (Namespace::on_server_side):
/// gets the array of its arguments; what it returns is the ack, when the sender asked for one
/// (an array: those arguments; null: none; any other value: that one argument).
using ServerSideHandler = std::function<json(const json& args)>;

/// A class-based namespace (python-socketio's socketio.Namespace): override on_connect /
/// on_disconnect, bind methods to events in the constructor, override dispatch() for custom
/// routing. A lambda registered with Namespace::on() for the same event wins over a bound method.
///
///   struct Chat : socketio::NamespaceHandler {
///     Chat() { bind("say", &Chat::on_say); }
///     bool on_connect(socketio::Socket& s, const json& auth) override { return true; }
///     std::string on_say(socketio::Socket& s, const std::string& text) { return text; }
///   };
///   io.register_namespace("/chat", std::make_shared<Chat>());
///
/// Thread safety: its methods are called on the socket's loop (or the worker pool with
/// handlers.async), possibly for several sockets at once on different loops; bind() only in the
/// constructor.
class NamespaceHandler {
  public:
    virtual ~NamespaceHandler() = default;
    /// Return false or throw ConnectionRefused to refuse. Default: accept.
    virtual bool on_connect(Socket& /*socket*/, const json& /*auth*/) { return true; }
    virtual void on_disconnect(Socket& /*socket*/, DisconnectReason /*reason*/) {}
    /// Routes one event. `args` is the array of its arguments; `respond` sends the ack (when the
    /// client asked for one). Returns false when no method handles `event` (the catch-all then
    /// gets it). The default looks the event up among the bound methods and acks with what the
    /// method returns, by the rules of Namespace::on.
    virtual bool dispatch(Socket& socket, const std::string& event, json& args,
                          const Responder& respond);

  protected:
    /// Binds a method R Self::method(Socket&, P...) to an event (the same parameters and results
    /// as a lambda given to Namespace::on, checked the same way when this compiles).
    template <class Self, class R, class... P>
    void bind(std::string event, R (Self::*method)(Socket&, P...)) {
        auto* self = static_cast<Self*>(this);
        methods_[std::move(event)] =
            detail::make_event_handler([self, method](Socket& socket, P... args) -> R {
                return (self->*method)(socket, std::forward<P>(args)...);
            });
    }

  private:
    std::unordered_map<std::string, detail::EventHandler> methods_;
};

// clang-format off
/// One namespace of a server: its handlers, its adapter and its sockets. A Namespace is a cheap
/// handle (Server::of() and Socket::nsp() return one); copies refer to the same namespace.
///
///   auto admin = io.of("/admin");
///   admin.use([](socketio::Socket& s, const json& auth) {        // before on_connect
///       if (!auth.contains("key")) throw socketio::ConnectionRefused("no key");
///   });
///   admin.on("kick", [](socketio::Socket& s, std::string sid) { s.nsp().disconnect(sid); });
///
/// Thread safety: register handlers (on*, use, set_handler) before the server starts; every
/// other member is safe from any thread.
// clang-format on
class Namespace {
  public:
    explicit Namespace(std::shared_ptr<detail::NamespaceImpl> impl) : impl_(std::move(impl)) {}

    const std::string& name() const noexcept;

    /// The handler of an event: (Socket&, P…) where each P is json or a type with from_json, one
    /// per argument (missing arguments are null); then optionally socketio::Args (the remaining
    /// arguments, or all of them) and last optionally socketio::Responder (the ack, answered when
    /// the handler chooses). The return value is the ack: one value, a std::tuple or an Ack
    /// (several), Args (those arguments), or boost::asio::awaitable<…> of those for a coroutine
    /// handler (runs on the socket's loop). `void` acks with no arguments, except for a handler
    /// that takes Args or a Responder: it acks only with what it returns or responds. A signature
    /// that fits none of this fails to compile with a static_assert saying what is wrong.
    ///
    /// The reserved names also work here, as python-socketio's `on('connect')` does: "connect"
    /// (on_connect), "disconnect" (on_disconnect) and "*" (on_catch_all); a handler whose
    /// signature does not fit the name given throws std::system_error(error::invalid_handler).
    template <class F>
    const Namespace& on(std::string_view event, F&& handler) const {
        using D = std::decay_t<F>;
        if (event == "connect") {
            if constexpr (detail::is_connect_handler<D>()) {
                return on_connect(std::forward<F>(handler));
            }
        } else if (event == "disconnect") {
            if constexpr (detail::is_disconnect_handler<D>()) {
                return on_disconnect(std::forward<F>(handler));
            }
        } else if (event == "*") {
            if constexpr (detail::is_catch_all_handler<D>()) {
                return on_catch_all(std::forward<F>(handler));
            }
        } else if constexpr (detail::is_event_handler<D>()) {
            set_event(std::string(event), detail::make_event_handler(D(std::forward<F>(handler))));
            return *this;
        } else if constexpr (!detail::is_connect_handler<D>() &&
                             !detail::is_disconnect_handler<D>() &&
                             !detail::is_catch_all_handler<D>()) {
            // Fits nothing: the event handler's static_assert says why.
            detail::make_event_handler(D(std::forward<F>(handler)));
        }
        throw std::system_error(make_error_code(error::invalid_handler), std::string(event));
    }
    /// The connect handler: (Socket&) or (Socket&, const json& auth), returning void, bool (false
    /// refuses) or an awaitable of either (a coroutine: e.g. to check a token against a
    /// database; the client waits for its CONNECT meanwhile). Throw ConnectionRefused to refuse
    /// with a message and data. Runs after the middlewares (use()).
    template <class F>
    const Namespace& on_connect(F&& handler) const {
        set_connect(detail::make_connect_handler(std::decay_t<F>(std::forward<F>(handler))));
        return *this;
    }
    /// The disconnect handler: (Socket&) or (Socket&, DisconnectReason), returning void.
    template <class F>
    const Namespace& on_disconnect(F&& handler) const {
        set_disconnect(detail::make_disconnect_handler(std::decay_t<F>(std::forward<F>(handler))));
        return *this;
    }
    /// Sees every incoming event before its handler (Node's socket.onAny):
    /// (Socket&, const std::string& event, const Args& args) → void. It never acks.
    template <class F>
    const Namespace& on_any(F&& handler) const {
        static_assert(detail::is_any_handler<std::decay_t<F>>(),
                      "socketio: an on_any handler is callable as (socketio::Socket&, const "
                      "std::string& event, const socketio::Args& args) and returns void");
        if constexpr (detail::is_any_handler<std::decay_t<F>>()) {
            set_any(detail::AnyHandler(std::forward<F>(handler)));
        }
        return *this;
    }
    /// The catch-all (python-socketio's '*'): events that have no handler of their own,
    /// (Socket&, const std::string& event, Args args[, Responder]). It acks only with what it
    /// returns or responds.
    template <class F>
    const Namespace& on_catch_all(F&& handler) const {
        set_catch_all(detail::make_catch_all_handler(std::decay_t<F>(std::forward<F>(handler))));
        return *this;
    }
    /// A middleware (Node's namespace.use): runs for every connection to this namespace before
    /// the connect handler, in the order registered, with the same signatures as on_connect
    /// (coroutines too). The first that refuses (returns false or throws ConnectionRefused) ends
    /// the connection attempt: the client gets CONNECT_ERROR with the message and data, and the
    /// later middlewares and the connect handler do not run.
    template <class F>
    const Namespace& use(F&& middleware) const {
        add_middleware(detail::make_connect_handler(std::decay_t<F>(std::forward<F>(middleware))));
        return *this;
    }
    /// The handler of exceptions thrown by this namespace's event handlers (else the server's
    /// default, else a log line; the connection survives).
    const Namespace& on_error(ErrorHandler handler) const;
    /// A class-based handler for this namespace (lambdas registered with on() win).
    const Namespace& set_handler(std::shared_ptr<NamespaceHandler> handler) const;

    // --- emitting (to every socket of the namespace unless narrowed) ---------------------------
    template <class... T>
    void emit(std::string_view event, const T&... args) const {
        broadcast().emit(event, args...);
    }
    Broadcast broadcast() const;
    Broadcast to(std::string room) const { return broadcast().to(std::move(room)); }
    Broadcast to(const std::vector<std::string>& rooms) const { return broadcast().to(rooms); }
    Broadcast to(std::initializer_list<std::string> rooms) const {
        return broadcast().to(std::vector<std::string>(rooms));
    }
    Broadcast in(std::string room) const { return to(std::move(room)); }
    Broadcast except(std::string room) const { return broadcast().except(std::move(room)); }
    Broadcast except(const std::vector<std::string>& rooms) const {
        return broadcast().except(rooms);
    }
    Broadcast except(std::initializer_list<std::string> rooms) const {
        return broadcast().except(std::vector<std::string>(rooms));
    }
    Broadcast local() const { return broadcast().local(); }
    Broadcast timeout(std::chrono::milliseconds t) const { return broadcast().timeout(t); }

    // --- the whole cluster (one process with the in-memory adapter) ---------------------------
    /// Every socket of the namespace on every server (Broadcast::fetch_sockets; narrow with
    /// to()/except()/local() first).
    void fetch_sockets(std::function<void(std::error_code, std::vector<RemoteSocket>)> done) const {
        broadcast().fetch_sockets(std::move(done));
    }
    boost::asio::awaitable<std::vector<RemoteSocket>> fetch_sockets() const {
        return broadcast().fetch_sockets();
    }
    /// Every socket joins / leaves these rooms; every socket is disconnected (Broadcast's).
    void sockets_join(const std::vector<std::string>& rooms) const {
        broadcast().sockets_join(rooms);
    }
    void sockets_leave(const std::vector<std::string>& rooms) const {
        broadcast().sockets_leave(rooms);
    }
    void disconnect_sockets(bool close = false) const { broadcast().disconnect_sockets(close); }
    /// Every room with a socket on any server (Node's allRooms): `done(ec, rooms)` on one of the
    /// event loops (ec == error::ack_timeout when a server did not answer in time).
    void fetch_rooms(FetchRoomsCallback done) const;
    /// Servers in the cluster, this one included, as last heard (1 without a cluster).
    std::size_t server_count() const;
    /// This server's id in the cluster (empty with the in-memory adapter).
    const std::string& server_id() const;

    /// Sends an event to the other servers of the cluster, never to this one (Node's
    /// serverSideEmit); their on_server_side handlers get it. Each argument json or anything with
    /// to_json. Without a cluster it goes nowhere.
    template <class... T>
    void server_side_emit(std::string_view event, const T&... args) const {
        server_side_emit_args(event, detail::make_args(args...), {});
    }
    /// The same asking every other server for an ack, the callback last:
    /// `on_acks(ec, answers)` runs once on one of the event loops, with one answer (an array of
    /// arguments) per server, when every server answered or at timeout (error::ack_timeout).
    // clang-format off
    template <class... T>
        requires(sizeof...(T) > 0 && detail::is_broadcast_ack_callback<detail::last_t<T...>>)
    void server_side_emit_with_ack(std::string_view event, T&&... args_then_callback) const {
        auto [args, on_acks] =
            detail::split_callback<BroadcastAckCallback>(std::forward<T>(args_then_callback)...);
        server_side_emit_args(event, std::move(args), std::move(on_acks));
    }
    // clang-format on
    /// The same with the arguments as one JSON array; `timeout` zero: the adapter's request
    /// timeout. Throws std::system_error(error::reserved_event) for reserved names.
    void server_side_emit_args(std::string_view event, json args, BroadcastAckCallback on_acks,
                               std::chrono::milliseconds timeout = {}) const;
    /// The handler of a server-side event from another server (Node's io.on(event) for
    /// serverSideEmit). Register before the server starts. Runs on one of the event loops.
    const Namespace& on_server_side(std::string event, ServerSideHandler handler) const;

    // --- sockets and rooms by sid (python-socketio's server API) -------------------------------
    /// The connected socket with this sid, or nullopt.
    std::optional<Socket> socket(std::string_view sid) const;
    /// Sids of the sockets of this process (all, or those in `room`).
    std::vector<std::string> sockets(std::optional<std::string> room = std::nullopt) const;
    /// False when there is no such connected socket in this process: the request then goes to
    /// the other servers through the adapter (python-socketio's enter_room/leave_room messages;
    /// nothing without a cluster). Room changes run on the socket's loop: at once when called
    /// there (in its handlers), else posted — in order with later emits from the same thread, so
    /// `enter_room(sid, r); to(r).emit(…)` reaches the socket.
    bool enter_room(std::string_view sid, std::string room) const;
    bool leave_room(std::string_view sid, const std::string& room) const;
    /// Every socket leaves `room`, on every server.
    void close_room(const std::string& room) const;
    /// Rooms of a socket of this process.
    std::vector<std::string> rooms(std::string_view sid) const;
    /// Disconnects one socket ("server namespace disconnect"); false when there is none in this
    /// process (the request then goes to the other servers, as enter_room).
    bool disconnect(std::string_view sid, bool close = false) const;

    Adapter& adapter() const;
    const std::shared_ptr<detail::NamespaceImpl>& impl() const noexcept { return impl_; }

  private:
    void set_connect(detail::ConnectHandler handler) const;
    void set_disconnect(detail::DisconnectHandler handler) const;
    void set_catch_all(detail::CatchAllHandler handler) const;
    void set_any(detail::AnyHandler handler) const;
    void add_middleware(detail::ConnectHandler middleware) const;
    void set_event(std::string event, detail::EventHandler handler) const;

    std::shared_ptr<detail::NamespaceImpl> impl_;
};

}  // namespace socketio
