#pragma once
// socketio::Emitter — emit to the clients of a cluster from a process that runs no server (a
// worker, a cron job, a CLI): npm's @socket.io/redis-emitter and python-socketio's
// RedisManager(write_only=True). It publishes the cluster adapter's messages through a Driver;
// link socketio::socketio_cluster (socketio::redis for redis_emitter() in socketio/redis.hpp).

#include <chrono>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "socketio/adapter.hpp"
#include "socketio/cluster_adapter.hpp"
#include "socketio/detail/handler.hpp"
#include "socketio/driver.hpp"
#include "socketio/json.hpp"

namespace socketio {

/// Errors of the Emitter (category "socketio.emitter"), reported by Emitter::flush().
enum class emitter_error {
    /// Not every message emitted so far reached the broker within the timeout (it is unreachable
    /// or slow); they still wait in the driver's queue.
    flush_timeout = 1,
    /// The driver dropped messages (its outgoing queue was full, or it refused one): they are
    /// lost.
    messages_dropped,
    /// close() ran before every message emitted went out: later ones are not sent.
    closed,
};
const std::error_category& emitter_error_category() noexcept;
inline std::error_code make_error_code(emitter_error e) noexcept {
    return {static_cast<int>(e), emitter_error_category()};
}

/// Options of an Emitter. It must use the channel and format of the servers it emits to.
struct EmitterOptions {
    /// The cluster's channel (ClusterOptions::channel). Default empty: the format's default,
    /// "socketio" for python-socketio's, the key prefix "socket.io" for Node's.
    std::string channel = {};
    /// The cluster's wire format (ClusterOptions::format). Default
    /// ClusterFormat::python_socketio.
    ClusterFormat format = ClusterFormat::python_socketio;
};

namespace detail {
struct EmitterCore;
}

/// What an Emitter addresses: a namespace, narrowed to rooms and minus exceptions (Node's
/// BroadcastOperator). A cheap value; each call returns a new one.
///
///   emitter.of("/chat").to("r1").except(sid).emit("news", article, socketio::binary(png));
///
/// Thread safety: a value; its members are safe from any thread.
class EmitterOperator {
  public:
    EmitterOperator(std::shared_ptr<detail::EmitterCore> core, std::string nsp,
                    BroadcastOptions options = {});

    /// Also to the sockets in this room (a sid is a room). No room: the whole namespace.
    EmitterOperator to(std::string room) const;
    EmitterOperator to(const std::vector<std::string>& rooms) const;
    EmitterOperator to(std::initializer_list<std::string> rooms) const {
        return to(std::vector<std::string>(rooms));
    }
    EmitterOperator in(std::string room) const { return to(std::move(room)); }
    /// Minus the sockets in this room (or with this sid): python's skip_sid.
    EmitterOperator except(std::string room) const;
    EmitterOperator except(const std::vector<std::string>& rooms) const;
    EmitterOperator except(std::initializer_list<std::string> rooms) const {
        return except(std::vector<std::string>(rooms));
    }

    /// Emits to the addressed sockets of every server. Each argument is json, anything with
    /// to_json, socketio::binary(…) or socketio::Args, converted as Server::emit converts them
    /// (a type that does not convert fails to compile). Throws std::system_error
    /// (error::reserved_event) for reserved names ("connect", "disconnect", …).
    template <class... T>
    void emit(std::string_view event, const T&... args) const {
        emit_args(event, detail::make_args(args...));
    }
    /// The "message" event (python's send()).
    template <class... T>
    void send(const T&... args) const {
        emit_args("message", detail::make_args(args...));
    }
    /// The same with the arguments as one JSON array.
    void emit_args(std::string_view event, json args) const;

    /// The addressed sockets join / leave these rooms (Node's socketsJoin / socketsLeave).
    void sockets_join(const std::vector<std::string>& rooms) const;
    void sockets_join(std::string room) const { sockets_join(std::vector{std::move(room)}); }
    void sockets_leave(const std::vector<std::string>& rooms) const;
    void sockets_leave(std::string room) const { sockets_leave(std::vector{std::move(room)}); }
    /// Disconnects the addressed sockets ("server namespace disconnect"); `close` also closes
    /// their connections.
    void disconnect_sockets(bool close = false) const;

    const std::string& nsp() const noexcept { return nsp_; }
    const BroadcastOptions& options() const noexcept { return options_; }

  private:
    std::shared_ptr<detail::EmitterCore> core_;
    std::string nsp_;
    BroadcastOptions options_;
};

// clang-format off
/// A write-only member of a cluster: publishes what a server's emit, room and disconnect calls
/// publish, so every server of the cluster (ours, python-socketio's with the python format,
/// Node's with Node's format) applies it to its own clients. It receives nothing, is counted by
/// no server and runs no loop of its own: the driver does the I/O.
///
///   auto driver = socketio::make_redis_driver(executor, {.url = url, .subscriber = false});
///   socketio::Emitter emitter{driver};
///   emitter.of("/chat").to("room1").emit("news", json{{"text", "hi"}});
///   emitter.flush(5s);   // before exiting: everything reached Redis (or an error says why not)
///
/// Or, with its own I/O thread: `auto emitter = socketio::redis_emitter("redis://host:6379");`
/// (socketio/redis.hpp).
///
/// The Emitter starts the driver (publish only) and owns it: give it a driver of its own, since
/// flush() counts what the driver has published. Messages are encoded once by the cluster's wire
/// format (EmitterOptions::format), the same messages a server's cluster adapter publishes
/// (docs/cluster.md). Destroying the last copy of an Emitter closes the driver, which lets what
/// is queued reach the broker within its close grace.
///
/// Thread safety: every member is safe from any thread. Copies share the driver.
// clang-format on
class Emitter {
  public:
    /// Throws std::invalid_argument for a null driver or a format this build does not have.
    explicit Emitter(DriverPtr driver, EmitterOptions options = {});

    /// The namespace `nsp` ("/chat"; a name without a leading '/' gets one).
    EmitterOperator of(std::string_view nsp) const;

    // --- on "/" (python's namespace=None) ------------------------------------------------------
    EmitterOperator to(std::string room) const { return of("/").to(std::move(room)); }
    EmitterOperator to(const std::vector<std::string>& rooms) const { return of("/").to(rooms); }
    EmitterOperator to(std::initializer_list<std::string> rooms) const {
        return of("/").to(std::vector<std::string>(rooms));
    }
    EmitterOperator in(std::string room) const { return to(std::move(room)); }
    EmitterOperator except(std::string room) const { return of("/").except(std::move(room)); }
    EmitterOperator except(const std::vector<std::string>& rooms) const {
        return of("/").except(rooms);
    }
    template <class... T>
    void emit(std::string_view event, const T&... args) const {
        of("/").emit(event, args...);
    }
    template <class... T>
    void send(const T&... args) const {
        of("/").send(args...);
    }
    void sockets_join(const std::vector<std::string>& rooms) const { of("/").sockets_join(rooms); }
    void sockets_leave(const std::vector<std::string>& rooms) const {
        of("/").sockets_leave(rooms);
    }
    void disconnect_sockets(bool close = false) const { of("/").disconnect_sockets(close); }

    // --- namespace-wide ------------------------------------------------------------------------
    /// Every socket of `nsp` on every server leaves `room`.
    void close_room(const std::string& room, std::string_view nsp = "/") const;
    /// A server-side event to every server of the cluster (their Namespace::on_server_side
    /// handlers; Node's serverSideEmit from an emitter). No ack: an emitter receives nothing.
    template <class... T>
    void server_side_emit(std::string_view event, const T&... args) const {
        server_side_emit_args(event, detail::make_args(args...));
    }
    void server_side_emit_args(std::string_view event, json args, std::string_view nsp = "/") const;

    // --- delivery ------------------------------------------------------------------------------
    /// Blocks until every message emitted so far was handed to the broker (for Redis: PUBLISH
    /// answered), or `timeout` passed. Returns {} when all went out; emitter_error::flush_timeout
    /// (the broker is unreachable: they still wait in the driver's queue);
    /// emitter_error::messages_dropped (the driver dropped some); emitter_error::closed.
    /// A program that emits and exits calls this before it exits.
    std::error_code flush(std::chrono::milliseconds timeout) const;
    /// The same without blocking: `done(ec)` runs once on `executor`, with the same results.
    void async_flush(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout,
                     std::function<void(std::error_code)> done) const;
    /// Messages emitted so far (those emitted after close() included, which were dropped).
    std::size_t emitted() const noexcept;
    /// Closes the driver: what is queued gets its close grace to reach the broker; later emits
    /// are dropped (and flush() then reports emitter_error::closed). Idempotent.
    void close() const;

    /// The sender id in its messages (python's host_id: 32 hex digits), which no server has.
    const std::string& host_id() const noexcept;
    const DriverPtr& driver() const noexcept;

  private:
    std::shared_ptr<detail::EmitterCore> core_;
};

}  // namespace socketio

template <>
struct std::is_error_code_enum<socketio::emitter_error> : std::true_type {};
