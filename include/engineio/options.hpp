#pragma once
// engineio::ServerOptions — every knob of the Engine.IO server, with its default.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engineio {

/// ServerOptions::cors — who may talk to the server: cross-origin requests and the Host names it
/// answers to.
struct CorsOptions {
    /// Origins allowed by CORS (python's cors_allowed_origins). Default {}: same origin only — a
    /// request whose Origin header does not match its Host is refused with 403; requests without
    /// Origin are allowed. {"*"}: any origin. Otherwise the exact origins allowed
    /// ("https://example.com").
    std::vector<std::string> allowed_origins = {};
    /// Send Access-Control-Allow-Credentials: true (python's cors_credentials). Default true.
    bool credentials = true;
    /// Host names this server answers to (Django's ALLOWED_HOSTS), checked against each request's
    /// Host header (without the port) before anything else; a request for another host gets 400
    /// {"code":3}. Default {}: any host. Set it when the server is reachable by name: the
    /// same-origin check compares Origin with Host, so without it a DNS-rebinding page
    /// (evil.example resolving to this server) passes as same-origin. A leading dot matches
    /// subdomains (".example.com"); "localhost" and IP literals are listed like any name.
    std::vector<std::string> allowed_hosts = {};
};

/// ServerOptions::heartbeat — the PING/PONG that tells a live client from a gone one.
struct HeartbeatOptions {
    /// Interval between server PINGs (python's ping_interval). Default 25 s.
    std::chrono::milliseconds ping_interval{25'000};
    /// How long after a PING the PONG may take before the session is closed (python's
    /// ping_timeout). Default 20 s.
    std::chrono::milliseconds ping_timeout{20'000};
};

/// ServerOptions::limits — what one client, and all of them together, may cost. Over a bound the
/// request is refused or the session closed, with the reason in the log.
struct LimitOptions {
    /// Largest message / polling POST body accepted, in bytes (python's max_http_buffer_size).
    /// Announced to clients as maxPayload; a larger POST gets HTTP 413. Default 1 000 000.
    std::size_t max_payload = 1'000'000;
    /// Most TCP connections open at once (HTTP and WebSocket). A connection over it is answered
    /// 503 at once and closed, unread. Default 0: no bound (the process's open-files limit still
    /// is one).
    std::size_t max_connections = 0;
    /// Most sessions open at once. A handshake over it gets HTTP 503
    /// {"code":4,"message":"Too many sessions"}. Default 0: no bound.
    std::size_t max_sessions = 0;
    /// Bound of a session's send queue, in bytes not yet written; over it the session is closed.
    /// Default 16 MiB.
    std::size_t max_send_queue_bytes = 16 * 1024 * 1024;
    /// Bound of a session's send queue, in messages not yet written. Default 65 536.
    std::size_t max_send_queue_messages = 65'536;
};

/// ServerOptions::transports — which transports a client may use, and the upgrade between them.
struct TransportOptions {
    /// Transports accepted, in order of preference: "polling", "websocket" (python's transports).
    /// Default both. Engine.IO v3 (EIO=3) is not supported: such clients get error 5
    /// "Unsupported protocol version".
    std::vector<std::string> allowed = {"polling", "websocket"};
    /// Allow the upgrade from polling to WebSocket (python's allow_upgrades). Default true.
    bool allow_upgrades = true;
    /// How long an upgrade may take from the probe to the UPGRADE packet (Node's upgradeTimeout).
    /// Default 10 s.
    std::chrono::milliseconds upgrade_timeout{10'000};
};

/// The `io` cookie sent with the handshake response (sticky load balancing by cookie).
struct CookieOptions {
    std::string name = "io";        ///< cookie name; default "io"
    std::string path = "/";         ///< Path attribute; default "/"; empty = none
    bool http_only = true;          ///< HttpOnly attribute; default true
    std::string same_site = "Lax";  ///< SameSite: "Strict", "Lax" (default), "None"; empty = none
};

/// ServerOptions::http — HTTP requests: the polling transport and the WebSocket handshake.
struct HttpOptions {
    /// Compress polling responses with gzip/deflate (per Accept-Encoding) from
    /// compression_threshold bytes on (python's http_compression). Default true.
    bool compression = true;
    /// Smallest response compressed, in bytes (python's compression_threshold). Default 1024.
    std::size_t compression_threshold = 1024;
    /// The `io` cookie on the handshake response (python's cookie). Default none:
    /// `.cookie = engineio::CookieOptions{}` sends "io=<sid>; Path=/; HttpOnly; SameSite=Lax".
    std::optional<CookieOptions> cookie = std::nullopt;
    /// Time to read a whole HTTP request (headers and body) before the connection is closed.
    /// Default 30 s.
    std::chrono::milliseconds read_timeout{30'000};
    /// Largest HTTP request header block, in bytes; over it 431. Default 16 KiB.
    std::size_t max_header_size = 16 * 1024;
    /// Largest body of a request handed to the HTTP handler (a path other than the Engine.IO
    /// path: Server::set_http_handler, socketio::App), in bytes; a larger one is answered 413
    /// and the connection closed, the handler never called. The Engine.IO path's bound is
    /// limits.max_payload. Default 1 MiB.
    std::size_t max_body_size = 1024 * 1024;
};

/// ServerOptions::websocket — WebSocket connections.
struct WebSocketOptions {
    /// Negotiate permessage-deflate (Node's perMessageDeflate). Default false.
    bool compression = false;
    /// After the server closes a WebSocket (or a close handshake starts), how long the client has
    /// to complete the close handshake; then the TCP connection is reset, whatever the client
    /// does (a client that stopped reading, or never answers the close frame, cannot keep it, its
    /// send queue or the server's reads alive). Default 5 s; Node's `ws` waits 30 s.
    std::chrono::milliseconds close_linger{5'000};
};

/// TLS for https/wss. Both files are PEM.
struct TlsOptions {
    std::string certificate_chain_file;  ///< the certificate, then its chain
    std::string private_key_file;        ///< the certificate's private key
};

/// The default of RunOptions::listening: writes "socketio-cpp listening on <url>" and a newline
/// to stderr.
void print_listening_url(std::string_view url);

/// ServerOptions::run — what run() does besides serving. listen() and start() ignore it.
struct RunOptions {
    /// run() catches SIGINT (Ctrl-C) and SIGTERM and stops the server gracefully, then returns, as
    /// Flask-SocketIO's socketio.run(app) does. Default true. They are caught with Asio's
    /// signal_set while run() runs, never by a C handler; a signal ignored when run() starts (a
    /// shell script's background job, nohup) stays ignored, and once the first one arrived the
    /// next has its default action again (a second Ctrl-C ends the process at once). false: run()
    /// leaves signals alone. start() never touches them, whatever this says: a program that embeds
    /// the server owns its signals.
    bool handle_signals = true;
    /// Called by run() on its thread once the server listens, before it blocks, with the URL it
    /// answers on: "http://127.0.0.1:5000" ("https://" with tls; the bound port when port 0 was
    /// asked; an IPv6 address in brackets). Default print_listening_url, which prints
    /// "socketio-cpp listening on <url>" to stderr, as Flask prints "Running on
    /// http://127.0.0.1:5000"; nullptr prints nothing.
    std::function<void(std::string_view url)> listening = print_listening_url;
};

// clang-format off
/// Options of engineio::Server. An aggregate of small groups, set with designated initializers:
/// the top-level members in the order below, and inside a group its own few members in order.
///
///   engineio::ServerOptions{
///       .cors = {.allowed_origins = {"https://example.com"}},
///       .path = "/engine.io/",
///       .heartbeat = {.ping_interval = 10s},
///       .limits = {.max_payload = 100'000, .max_sessions = 10'000},
///   }
///
/// Top-level order: cors, path, logger, heartbeat, limits, tls, threads, transports, http,
/// websocket, run — what applications set most first. Names follow python-engineio's where it has
/// one; each member's comment gives python's name when it differs (cors.allowed_origins is
/// python's cors_allowed_origins).
// clang-format on
struct ServerOptions {
    /// CORS and allowed hosts: allowed_origins, credentials, allowed_hosts.
    CorsOptions cors = {};
    /// Path the server answers on (python-socketio's socketio_path). Default "/socket.io/". A
    /// leading and a trailing slash are added if missing.
    std::string path = "/socket.io/";
    /// Engine.IO-level logs (the spdlog logger "engineio") at info; otherwise warnings only
    /// (python-socketio's engineio_logger). Default false.
    bool logger = false;
    /// ping_interval, ping_timeout.
    HeartbeatOptions heartbeat = {};
    /// max_payload, max_connections, max_sessions, max_send_queue_bytes, max_send_queue_messages.
    LimitOptions limits = {};
    /// TLS: when set, the server speaks https/wss only. Default none.
    std::optional<TlsOptions> tls = std::nullopt;
    /// Event loops (threads). Default 0: one per hardware thread.
    unsigned threads = 0;
    /// allowed (python's transports), allow_upgrades, upgrade_timeout.
    TransportOptions transports = {};
    /// compression, compression_threshold, cookie, read_timeout, max_header_size, max_body_size.
    HttpOptions http = {};
    /// compression (permessage-deflate), close_linger.
    WebSocketOptions websocket = {};
    /// What run() does: handle_signals, listening.
    RunOptions run = {};
};

}  // namespace engineio
