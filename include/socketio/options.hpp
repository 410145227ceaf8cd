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

// clang-format off
/// Options of socketio::Server. An aggregate: set what you need with designated initializers, in
/// declaration order (`engine` first):
///
///   socketio::Server io{{
///       .engine = {.ping_interval = std::chrono::seconds(10), .cors_allowed_origins = {"*"}},
///       .async_handlers = true,
///   }};
///
/// Names follow python-socketio's where it has one. The transport's options (path, heartbeat,
/// CORS, payload size, TLS, threads, send-queue bounds, its logger) are engineio::ServerOptions,
/// held as they are in `engine`: one definition, one default each.
// clang-format on
struct ServerOptions {
    /// The Engine.IO server under this one: path, ping_interval, ping_timeout, max_payload
    /// (python's max_http_buffer_size), cors_allowed_origins, transports, tls, threads, the
    /// send-queue bounds, logger (python's engineio_logger), … — each documented with its default
    /// in engineio/options.hpp. A detached server (Server(options, loops)) has no engine and
    /// ignores them.
    engineio::ServerOptions engine = {};

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
    /// The parser every client of this server must use too (Node's `parser` option). Parser::json
    /// (default): the clients' default. Parser::msgpack: clients created with
    /// `io(url, { parser: require("socket.io-msgpack-parser") })`. max_values_per_packet applies
    /// to both; max_attachments only to json (msgpack carries binary inline).
    Parser parser = Parser::json;
    /// Socket.IO-level logs (the spdlog logger "socketio") at info; otherwise warnings only.
    bool logger = false;
};

}  // namespace socketio
