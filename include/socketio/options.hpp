#pragma once
// socketio::ServerOptions — every knob of the Socket.IO server, with its default.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engineio/options.hpp"

namespace socketio {

class Adapter;
class AdapterHost;

/// Makes the adapter of one namespace (see adapter.hpp). Called once per namespace, when the
/// namespace is created.
using AdapterFactory = std::function<std::unique_ptr<Adapter>(AdapterHost& host)>;

/// The Socket.IO parser: how packets are written on the wire (ServerOptions::parser).
enum class Parser {
    /// socket.io-parser's text format, every client's default: one text message per packet, plus
    /// one binary message per binary attachment.
    json,
    /// socket.io-msgpack-parser's format: one binary message per packet (msgpack, binary inline).
    msgpack,
};

/// ServerOptions::handlers — where event handlers run.
struct HandlerOptions {
    /// Run event handlers on a worker pool instead of the socket's event loop, so a slow or
    /// blocking handler does not stall the other clients of its loop (python's async_handlers).
    /// Acks are sent from the pool (sending is thread-safe). Connect and disconnect handlers
    /// always run on the loop. Default false.
    bool async = false;
    /// Threads of that worker pool. Default 0: one per hardware thread.
    unsigned threads = 0;
};

/// ServerOptions::connect — a connection's way into its namespaces.
struct ConnectOptions {
    /// Send CONNECT before calling the connect handler; a handler that refuses then disconnects
    /// the client instead of sending CONNECT_ERROR (python's always_connect). Default false.
    bool always = false;
    /// How long a new connection may take to send its first CONNECT before its Engine.IO session
    /// is closed (Node's connectTimeout). Default 45 s.
    std::chrono::milliseconds timeout{45'000};
    /// Honour X-Forwarded-For in Handshake::address (only behind a trusted proxy). Default false.
    bool trust_forwarded_for = false;
};

/// ServerOptions::limits — what one socket's packets and acks may cost. (The transport's bounds,
/// payload size and send queue among them, are engine.limits.)
struct LimitOptions {
    /// Bound of acks a socket may wait for at once; an emit over it fails at once with
    /// error::too_many_pending_acks. Default 1024.
    std::size_t max_pending_acks = 1024;
    /// Attachments allowed per incoming packet; more closes the connection (parse error).
    /// Default 10.
    std::size_t max_attachments = 10;
    /// JSON values (objects, arrays, strings, numbers, literals) allowed in one incoming packet;
    /// more closes the connection (parse error). Counted while parsing, so one packet costs the
    /// memory of at most this many values (~120 bytes each at worst: "[{},{},…]") however it is
    /// shaped. Default 100 000; raise it for packets with more values.
    std::size_t max_values_per_packet = 100'000;
};

// clang-format off
/// Options of socketio::Server. An aggregate of small groups, set with designated initializers:
/// the top-level members in the order below (`engine` first), and inside a group its own few
/// members in order.
///
///   socketio::Server io{{
///       .engine = {.cors = {.allowed_origins = {"*"}}, .heartbeat = {.ping_interval = 10s}},
///       .handlers = {.async = true},
///   }};
///
/// Top-level order: engine, logger, namespaces, handlers, connect, limits, parser, adapter — what
/// applications set most first. Names follow python-socketio's where it has one; each member's
/// comment gives python's name when it differs (handlers.async is python's async_handlers). The
/// transport's options (path, heartbeat, CORS, payload size, TLS, threads, send-queue bounds, its
/// logger) are engineio::ServerOptions, held as they are in `engine`: one definition, one default
/// each.
// clang-format on
struct ServerOptions {
    /// The Engine.IO server under this one: cors, path, logger (python's engineio_logger),
    /// heartbeat, limits (max_payload: python's max_http_buffer_size; the send-queue bounds), tls,
    /// threads, transports, http, websocket, run — each documented with its default in
    /// engineio/options.hpp. A detached server (Server(options, loops)) has no engine and ignores
    /// them.
    engineio::ServerOptions engine = {};
    /// Socket.IO-level logs (the spdlog logger "socketio") at info; otherwise warnings only
    /// (python's logger). Default false.
    bool logger = false;
    /// Namespaces a client may connect to besides the ones that have handlers (python's
    /// namespaces). Default {}: only namespaces created with Server::of() (and "/", which always
    /// exists). {"*"}: any namespace; an unknown one is created on its first connection.
    std::vector<std::string> namespaces = {};
    /// async (python's async_handlers), threads.
    HandlerOptions handlers = {};
    /// always (python's always_connect), timeout (Node's connectTimeout), trust_forwarded_for.
    ConnectOptions connect = {};
    /// max_pending_acks, max_attachments, max_values_per_packet.
    LimitOptions limits = {};
    /// The parser every client of this server must use too (Node's `parser` option). Default
    /// Parser::json: the clients' default. Parser::msgpack: clients created with
    /// `io(url, { parser: require("socket.io-msgpack-parser") })`. limits.max_values_per_packet
    /// applies to both; limits.max_attachments only to json (msgpack carries binary inline).
    Parser parser = Parser::json;
    /// The adapter of every namespace (python's client_manager). Default empty: the in-memory
    /// adapter (InMemoryAdapter).
    AdapterFactory adapter = {};
};

}  // namespace socketio
