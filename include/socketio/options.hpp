#pragma once
// socketio::ServerOptions — every knob of the Socket.IO server, with its default.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engineio/options.hpp"

namespace socketio {

class Adapter;
class AdapterHost;

/// Makes the adapter of one namespace (see adapter.hpp). Called once per namespace, when the
/// namespace is created.
using AdapterFactory = std::function<std::unique_ptr<Adapter>(AdapterHost& host)>;

/// Options of socketio::Server. An aggregate: set what you need with designated initializers,
///   socketio::Server io{{.cors_allowed_origins = {"*"}, .ping_interval =
///   std::chrono::seconds(10)}};
/// Names follow python-socketio's (and python-engineio's) where it has one. The Engine.IO members
/// are copied into engineio::ServerOptions by engine_options().
struct ServerOptions {
    // --- Socket.IO ------------------------------------------------------------------------------
    /// Namespaces a client may connect to besides the ones that have handlers. Empty (default):
    /// only namespaces created with Server::of() (and "/", which always exists). {"*"}: any
    /// namespace; an unknown one is created on its first connection (python's namespaces='*').
    std::vector<std::string> namespaces = {};
    /// Send CONNECT before calling the connect handler; a handler that refuses then disconnects
    /// the client instead of sending CONNECT_ERROR (python's always_connect).
    bool always_connect = false;
    /// How long a new connection may take to send its first CONNECT before its Engine.IO session
    /// is closed (Node's connectTimeout).
    std::chrono::milliseconds connect_timeout{45'000};
    /// Run event handlers on a worker pool instead of the socket's event loop, so a slow or
    /// blocking handler does not stall the other clients of its loop. Acks are sent from the pool
    /// (sending is thread-safe). Connect and disconnect handlers always run on the loop.
    bool async_handlers = false;
    /// Threads of that worker pool. 0 = one per hardware thread.
    unsigned async_handler_threads = 0;
    /// Bound of acks a socket may wait for at once; an emit over it fails at once with
    /// error::too_many_pending_acks.
    std::size_t max_pending_acks = 1024;
    /// Attachments allowed per incoming packet; more closes the connection (parse error).
    std::size_t max_attachments = 10;
    /// JSON values (objects, arrays, strings, numbers, literals) allowed in one incoming packet;
    /// more closes the connection (parse error). Counted while parsing, so one packet costs the
    /// memory of at most this many values (~120 bytes each at worst: "[{},{},…]") however it is
    /// shaped. Raise it for packets with more than 100 000 values.
    std::size_t max_values_per_packet = 100'000;
    /// Honour X-Forwarded-For in Handshake::address (only behind a trusted proxy).
    bool trust_forwarded_for = false;
    /// The adapter of every namespace; empty = the in-memory adapter (InMemoryAdapter).
    AdapterFactory adapter = {};
    /// Socket.IO-level logs (the spdlog logger "socketio") at info; otherwise warnings only.
    bool logger = false;

    // --- Engine.IO (see engineio::ServerOptions for details) -----------------------------------
    /// Path the server answers on.
    std::string path = "/socket.io/";
    /// Interval between server PINGs.
    std::chrono::milliseconds ping_interval{25'000};
    /// How long after a PING the PONG may take before the connection is closed.
    std::chrono::milliseconds ping_timeout{20'000};
    /// Largest message / polling POST body accepted, in bytes.
    std::size_t max_http_buffer_size = 1'000'000;
    /// Allow the upgrade from polling to WebSocket.
    bool allow_upgrades = true;
    /// How long an upgrade may take.
    std::chrono::milliseconds upgrade_timeout{10'000};
    /// Transports accepted: "polling", "websocket".
    std::vector<std::string> transports = {"polling", "websocket"};
    /// Origins allowed by CORS. Empty (default): same origin only. {"*"}: any origin.
    std::vector<std::string> cors_allowed_origins = {};
    /// Send Access-Control-Allow-Credentials: true.
    bool cors_credentials = true;
    /// The `io` cookie; none by default.
    std::optional<engineio::CookieOptions> cookie = std::nullopt;
    /// Compress polling responses above compression_threshold bytes.
    bool http_compression = true;
    std::size_t compression_threshold = 1024;
    /// permessage-deflate on WebSocket connections.
    bool websocket_compression = false;
    /// https/wss when set.
    std::optional<engineio::TlsOptions> tls = std::nullopt;
    /// Event loops (threads). 0 = one per hardware thread.
    unsigned threads = 0;
    /// Time to read a whole HTTP request.
    std::chrono::milliseconds http_read_timeout{30'000};
    /// Largest HTTP request header block, in bytes.
    std::size_t max_header_size = 16 * 1024;
    /// Bound of a connection's send queue, in bytes; over it the connection is closed.
    std::size_t max_send_queue_bytes = 16 * 1024 * 1024;
    /// Bound of a connection's send queue, in messages.
    std::size_t max_send_queue_messages = 65'536;
    /// Engine.IO-level logs (the spdlog logger "engineio") at info; otherwise warnings only.
    bool engineio_logger = false;

    /// The Engine.IO options these map to.
    engineio::ServerOptions engine_options() const {
        engineio::ServerOptions e;
        e.path = path;
        e.ping_interval = ping_interval;
        e.ping_timeout = ping_timeout;
        e.max_payload = max_http_buffer_size;
        e.allow_upgrades = allow_upgrades;
        e.upgrade_timeout = upgrade_timeout;
        e.transports = transports;
        e.cors_allowed_origins = cors_allowed_origins;
        e.cors_credentials = cors_credentials;
        e.cookie = cookie;
        e.http_compression = http_compression;
        e.compression_threshold = compression_threshold;
        e.websocket_compression = websocket_compression;
        e.tls = tls;
        e.threads = threads;
        e.http_read_timeout = http_read_timeout;
        e.max_header_size = max_header_size;
        e.max_send_queue_bytes = max_send_queue_bytes;
        e.max_send_queue_messages = max_send_queue_messages;
        e.logger = engineio_logger;
        return e;
    }
};

}  // namespace socketio
