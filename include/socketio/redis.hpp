#pragma once
// socketio::make_redis_driver — the Driver (socketio/driver.hpp) over Redis pub/sub: what a
// cluster adapter or the Emitter use to talk to python-socketio's RedisManager and Node's
// @socket.io/redis-adapter through the same Redis server; redis_adapter() and redis_emitter(),
// the one-line forms. Link socketio::redis.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>

#include <boost/asio/any_io_executor.hpp>

#include "socketio/cluster_adapter.hpp"
#include "socketio/driver.hpp"
#include "socketio/emitter.hpp"
#include "socketio/options.hpp"

namespace socketio {

/// How a Redis driver connects, retries and bounds its memory. Every member has a default:
/// `socketio::RedisOptions{.url = "redis://:secret@cache:6379/0"}`.
struct RedisOptions {
    /// `redis://[[user]:password@]host[:port][/db]`, `rediss://…` (TLS) or
    /// `unix://[[user]:password@]/path/to/redis.sock[?db=N]`. The port defaults to 6379, the db
    /// to 0 (SELECT is sent only for another db; pub/sub ignores it). Default
    /// "redis://localhost:6379/0".
    std::string url = "redis://localhost:6379/0";
    /// false: publish only, no subscriber connection (the Emitter's case); subscribe() and
    /// psubscribe() are then ignored. Default true.
    bool subscriber = true;

    /// rediss://: a PEM file of the certificate authorities to trust; empty = the system's
    /// default ones. Default empty.
    std::string tls_ca_file = {};
    /// rediss://: check the server's certificate and its name (or IP address). Turn off only in
    /// tests. Default true.
    bool tls_verify = true;

    /// Resolving, connecting, TLS handshake, AUTH and SELECT of one attempt. Default 5 s.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    /// First delay before reconnecting after a loss or a failed attempt; doubled after each
    /// failure up to `reconnect_max_delay`. Default 100 ms.
    std::chrono::milliseconds reconnect_initial_delay = std::chrono::milliseconds(100);
    /// Longest delay between attempts. Default 5 s.
    std::chrono::milliseconds reconnect_max_delay = std::chrono::seconds(5);
    /// Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter], so many servers
    /// that lost Redis at once do not reconnect in lockstep. Default 0.2.
    double reconnect_jitter = 0.2;
    /// A connection that received nothing for this long is sent a PING; if nothing arrives for
    /// as long again, the peer is taken as dead and the connection is dropped (and retried).
    /// Zero: no health check. Default 5 s.
    std::chrono::milliseconds health_check_interval = std::chrono::seconds(5);
    /// SO_KEEPALIVE on TCP connections. Default true.
    bool tcp_keepalive = true;

    /// Outgoing messages waiting to be written (while disconnected, or while a write is in
    /// flight): beyond this many, publish() drops the new message and counts it in
    /// stats().dropped. Default 10 000.
    std::size_t max_queued_messages = 10'000;
    /// The same bound in bytes of the encoded commands. Default 16 MiB.
    std::size_t max_queued_bytes = std::size_t{16} << 20;
    /// Largest reply (a message with its channel and framing) the driver buffers: a bigger one
    /// drops the connection, which is logged and retried (Redis allows 512 MB; a hostile
    /// publisher must not make every server buffer that). Default 64 MiB.
    std::size_t max_incoming_message_bytes = std::size_t{64} << 20;
    /// How long close() lets already published messages reach Redis before closing. Default
    /// 1 s.
    std::chrono::milliseconds close_grace = std::chrono::seconds(1);
};

/// Errors of the Redis driver (category "socketio.redis"). make_redis_driver() throws
/// std::system_error with invalid_url; the others appear in its log lines.
enum class redis_error {
    invalid_url = 1,      ///< RedisOptions::url does not parse or has an unknown scheme
    connect_timeout,      ///< an attempt took longer than RedisOptions::connect_timeout
    auth_failed,          ///< AUTH or SELECT was refused
    protocol_error,       ///< the server sent what hiredis's parser refuses
    message_too_large,    ///< a reply over RedisOptions::max_incoming_message_bytes
    health_check_failed,  ///< no answer to PING within the health check interval
    unexpected_reply,     ///< a reply that fits no command sent (or an error reply)
    connection_closed,    ///< the server closed the connection
};
const std::error_category& redis_error_category() noexcept;
inline std::error_code make_error_code(redis_error e) noexcept {
    return {static_cast<int>(e), redis_error_category()};
}

/// Makes a Redis pub/sub driver that runs on `executor` (on a strand of it: a multi-threaded
/// io_context is fine). Two connections, as every Redis pub/sub client has: one subscribed
/// (SUBSCRIBE/PSUBSCRIBE, receives the messages) and one for commands (PUBLISH, PUBSUB NUMSUB,
/// pipelined: what is published while a write is in flight goes out in the next single write).
/// Both are opened, lost and reopened together; the state is `connected` when both are up and
/// every subscription is confirmed. Nothing happens until start().
///
/// Destroying the returned pointer's last copy closes the driver (close()).
/// Throws std::system_error(redis_error::invalid_url) when the URL does not parse.
///
/// Thread safety: every member of the returned Driver is safe from any thread.
DriverPtr make_redis_driver(boost::asio::any_io_executor executor, RedisOptions options = {});

/// The adapter factory of a server in a Redis cluster, in one line:
///
///   socketio::Server io{{.adapter = socketio::redis_adapter("redis://cache:6379")}};
///
/// cluster_adapter() over a Redis driver (make_redis_driver with `redis`, its url replaced by
/// `url`) that is made when the server creates its first namespace, on an I/O thread of its own
/// (the server destroys its loops before its adapters; the driver's sockets and timers must not
/// outlive the io_context they run on). It starts with the server and closes with
/// Server::stop(); the thread ends when the server is destroyed. One factory per Server (its
/// namespaces share the driver and the server id).
/// Throws std::system_error(redis_error::invalid_url) at once for a URL that does not parse, and
/// std::invalid_argument as cluster_adapter() does.
///
/// Thread safety: the factory is safe from any thread.
AdapterFactory redis_adapter(std::string url, ClusterOptions cluster = {}, RedisOptions redis = {});

/// An Emitter (socketio/emitter.hpp) over Redis with an I/O thread of its own, for programs that
/// have no event loop (a worker, a script, the socketio-emit CLI):
///
///   auto emitter = socketio::redis_emitter("redis://cache:6379");
///   emitter.of("/chat").to("room1").emit("news", article);
///   if (auto ec = emitter.flush(5s)) std::cerr << ec.message() << "\n";
///
/// The driver is publish-only (`redis.subscriber` is ignored) and connects in the background;
/// emits made before it connected wait in its bounded queue. The thread ends when the last copy
/// of the Emitter is destroyed (after the driver's close grace). Throws
/// std::system_error(redis_error::invalid_url) for a URL that does not parse, and
/// std::invalid_argument for a format this build does not have.
Emitter redis_emitter(std::string url, EmitterOptions options = {}, RedisOptions redis = {});

}  // namespace socketio

template <>
struct std::is_error_code_enum<socketio::redis_error> : std::true_type {};
