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

/// The `io` cookie sent with the handshake response (sticky load balancing by cookie).
struct CookieOptions {
    std::string name = "io";        ///< cookie name
    std::string path = "/";         ///< Path attribute; empty = none
    bool http_only = true;          ///< HttpOnly attribute
    std::string same_site = "Lax";  ///< SameSite attribute ("Strict", "Lax", "None"); empty = none
};

/// TLS for https/wss. Both files are PEM.
struct TlsOptions {
    std::string certificate_chain_file;
    std::string private_key_file;
};

/// The default of ServerOptions::listening: writes "socketio-cpp listening on <url>" and a newline
/// to stderr.
void print_listening_url(std::string_view url);

/// Options of engineio::Server. An aggregate: set what you need with designated initializers,
///   engineio::ServerOptions{.path = "/engine.io/", .ping_interval = 10s}
/// Names follow python-engineio's where it has one.
struct ServerOptions {
    // --- protocol -------------------------------------------------------------------------------
    /// Path the server answers on. A trailing slash is added if missing.
    std::string path = "/socket.io/";
    /// Interval between server PINGs.
    std::chrono::milliseconds ping_interval{25'000};
    /// How long after a PING the PONG may take before the session is closed.
    std::chrono::milliseconds ping_timeout{20'000};
    /// Largest message / polling POST body accepted, in bytes (python: max_http_buffer_size).
    /// Announced to clients as maxPayload; a larger POST gets HTTP 413.
    std::size_t max_payload = 1'000'000;
    /// Allow the upgrade from polling to WebSocket.
    bool allow_upgrades = true;
    /// How long an upgrade may take from the probe to the UPGRADE packet.
    std::chrono::milliseconds upgrade_timeout{10'000};
    /// Transports accepted, in order of preference: "polling", "websocket".
    std::vector<std::string> transports = {"polling", "websocket"};
    // Engine.IO v3 (EIO=3) is not supported: such clients get error 5 "Unsupported protocol
    // version".

    // --- HTTP -----------------------------------------------------------------------------------
    /// Origins allowed by CORS. Empty (the default): same origin only — a request whose Origin
    /// header does not match its Host is refused with 403; requests without Origin are allowed.
    /// {"*"}: any origin. Otherwise the exact origins allowed ("https://example.com").
    std::vector<std::string> cors_allowed_origins = {};
    /// Host names this server answers to, checked against each request's Host header (without
    /// the port) before anything else; a request for another host gets 400 {"code":3}. Empty (the
    /// default): any host. Set it when the server is reachable by name: the same-origin check
    /// compares Origin with Host, so without it a DNS-rebinding page (evil.example resolving to
    /// this server) passes as same-origin. A leading dot matches subdomains (".example.com"), as
    /// Django's ALLOWED_HOSTS does; "localhost" and IP literals are listed like any name.
    std::vector<std::string> allowed_hosts = {};
    /// Send Access-Control-Allow-Credentials: true.
    bool cors_credentials = true;
    /// The `io` cookie; none by default.
    std::optional<CookieOptions> cookie = std::nullopt;
    /// Compress polling responses with gzip/deflate (per Accept-Encoding) above the threshold.
    bool http_compression = true;
    std::size_t compression_threshold = 1024;
    /// Negotiate permessage-deflate on WebSocket connections.
    bool websocket_compression = false;
    /// TLS: when set, the server speaks https/wss only.
    std::optional<TlsOptions> tls = std::nullopt;

    // --- runtime and bounds ---------------------------------------------------------------------
    /// Event loops (threads). 0 = one per hardware thread.
    unsigned threads = 0;
    /// Time to read a whole HTTP request (headers and body) before the connection is closed.
    std::chrono::milliseconds http_read_timeout{30'000};
    /// Largest HTTP request header block, in bytes.
    std::size_t max_header_size = 16 * 1024;
    /// Bound of a session's send queue, in bytes not yet written; over it the session is closed.
    std::size_t max_send_queue_bytes = 16 * 1024 * 1024;
    /// Bound of a session's send queue, in messages not yet written.
    std::size_t max_send_queue_messages = 65'536;
    /// Most TCP connections open at once (HTTP and WebSocket). A connection over it is answered
    /// 503 at once and closed, unread. 0 = no bound (the process's open-files limit still is one).
    std::size_t max_connections = 0;
    /// Most sessions open at once. A handshake over it gets HTTP 503
    /// {"code":4,"message":"Too many sessions"}. 0 = no bound.
    std::size_t max_sessions = 0;
    /// After the server closes a WebSocket (or a close handshake starts), how long the client has
    /// to complete the close handshake; then the TCP connection is reset, whatever the client
    /// does (a client that stopped reading, or never answers the close frame, cannot keep it, its
    /// send queue or the server's reads alive). Node's `ws` waits 30 s.
    std::chrono::milliseconds websocket_close_linger{5'000};

    /// Engine.IO-level logs (the spdlog logger "engineio") at info; otherwise warnings only.
    bool logger = false;

    // --- run() ----------------------------------------------------------------------------------
    /// run() catches SIGINT (Ctrl-C) and SIGTERM and stops the server gracefully, then returns, as
    /// Flask-SocketIO's socketio.run(app) does. They are caught with Asio's signal_set while run()
    /// runs, never by a C handler; a signal ignored when run() starts (a shell script's background
    /// job, nohup) stays ignored, and once the first one arrived the next has its default action
    /// again (a second Ctrl-C ends the process at once). false: run() leaves signals alone. start()
    /// never touches them, whatever this says: a program that embeds the server owns its signals.
    bool handle_signals = true;
    /// Called by run() on its thread once the server listens, before it blocks, with the URL it
    /// answers on: "http://127.0.0.1:5000" ("https://" with tls; the bound port when port 0 was
    /// asked; an IPv6 address in brackets). The default prints "socketio-cpp listening on <url>" to
    /// stderr, as Flask prints "Running on http://127.0.0.1:5000"; nullptr prints nothing.
    /// listen() and start() never call it.
    std::function<void(std::string_view url)> listening = print_listening_url;
};

}  // namespace engineio
