#pragma once
// Internals of the Engine.IO server shared by its translation units (not installed).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "common/keyed_set.hpp"
#include "common/rate_limited_log.hpp"
#include "engineio/error.hpp"
#include "engineio/http.hpp"
#include "engineio/options.hpp"
#include "engineio/protocol/packet.hpp"
#include "engineio/protocol/session_core.hpp"
#include "engineio/request.hpp"
#include "engineio/session.hpp"

namespace engineio::detail {

namespace http = boost::beast::http;
using StringRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;
using Executor = boost::asio::any_io_executor;
/// The executor of one of the server's loops, and a TCP socket bound to it (every connection
/// lives on one loop for life).
using LoopExecutor = boost::asio::io_context::executor_type;
using LoopSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, LoopExecutor>;

/// The logger "engineio" (created on first use).
std::shared_ptr<spdlog::logger> logger();

// --- HTTP helpers (http.cpp) ------------------------------------------------------------------

/// How to finish a response to one request: its HTTP version, keep-alive, CORS headers, the
/// encodings the client accepts.
struct ResponseContext {
    unsigned version = 11;
    bool keep_alive = true;
    std::vector<std::pair<std::string, std::string>> cors_headers;
    bool accepts_gzip = false;
    bool accepts_deflate = false;
    bool compress = false;  ///< ServerOptions::http.compression
    std::size_t compression_threshold = 1024;
};

/// Parses a target's query string ("a=1&b=%20x"), percent- and '+'-decoding.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

/// A request target split once: the path and the decoded query. Every check of a request reads
/// this; nothing parses the target again.
struct Target {
    /// When the request's header was read: its place in the order of a session's requests when
    /// two of them race (see SessionCore::on_get).
    std::chrono::steady_clock::time_point arrived{};
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;
    /// The first query parameter with this name.
    std::optional<std::string_view> param(std::string_view name) const {
        return find_query_param(query, name);
    }
};
Target parse_target(std::string_view target);

/// Fills a Request's one block: constructed with the number of query parameters and headers and
/// the total size of their text (with method, target, path and remote address), then given every
/// string in the Request's order — method, target, path, remote address, each query name and
/// value, each header name and value — then finished.
class RequestBuilder {
  public:
    RequestBuilder(std::size_t query_count, std::size_t header_count, std::size_t text_size);
    /// The next string; `lower`: lower-cased (header names).
    void append(std::string_view s, bool lower = false);
    Request finish(std::uint16_t remote_port, bool secure) &&;

  private:
    Request request_;
    std::size_t next_ = 0;    // strings appended
    std::uint32_t used_ = 0;  // bytes of text appended
    char* text_ = nullptr;
};

/// Builds the engineio::Request of a Beast request whose target was parsed into `target`.
Request make_request(const StringRequest& req, const Target& target,
                     std::string_view remote_address, std::uint16_t remote_port, bool secure);

/// A response with the context's CORS headers, keep-alive and (if `compressible` and worth it)
/// gzip/deflate compression.
StringResponse make_response(const ResponseContext& ctx, http::status status,
                             std::string_view content_type, std::string body,
                             bool compressible = false);

/// THE mapping of an Engine.IO error to its HTTP response: 400 (403 for forbidden, 413 for
/// payload_too_large) with the body {"code":N,"message":"…"} and the CORS headers.
StringResponse make_error_response(const ResponseContext& ctx, error code);

/// The CORS verdict for a request: allowed (with the headers to add) or forbidden.
struct CorsVerdict {
    bool allowed = true;
    std::vector<std::pair<std::string, std::string>> headers;
};
CorsVerdict check_cors(const ServerOptions& options, const StringRequest& req, bool secure);

/// The Set-Cookie value for a new session.
std::string make_cookie(const CookieOptions& cookie, std::string_view sid);

/// zlib: gzip (RFC 1952) or zlib-wrapped deflate (RFC 1950, HTTP's "deflate").
std::string compress(std::string_view data, bool gzip);

// --- transports -----------------------------------------------------------------------------

/// An HTTP request waiting for its response (a long-polling GET, a POST). respond() may be
/// called from any thread; it writes on the connection's own loop.
class HttpResponder {
  public:
    virtual ~HttpResponder() = default;
    virtual void respond(StringResponse response) = 0;
};

using protocol::OutPacket;

class SessionImpl;

/// The deadlines of one loop's sessions (ping, pong, upgrade, close linger) in one min-heap,
/// served by one steady_timer armed for the earliest. A session carries its place in the heap
/// instead of a timer of its own and a pending wait (~250 bytes a session): the classic per-loop
/// timer queue. A due session is called exactly as its own timer's completion called it: at or
/// after its deadline, on its loop. Touched only on its loop (or with the loops stopped).
class SessionTimers {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;
    static constexpr std::uint32_t no_slot = UINT32_MAX;

    explicit SessionTimers(boost::asio::io_context& loop) : timer_(loop) {}
    SessionTimers(const SessionTimers&) = delete;
    SessionTimers& operator=(const SessionTimers&) = delete;

    /// Sets or moves `session`'s deadline; the heap holds the session until it is due or
    /// cancelled (as a pending wait held it).
    void schedule(SessionImpl& session, TimePoint deadline);
    /// Takes `session` out of the heap (nothing if it is not in it).
    void cancel(SessionImpl& session);
    std::size_t size() const noexcept { return heap_.size(); }
    /// The deadline `session` is scheduled for, if it is in the heap.
    std::optional<TimePoint> deadline_of(const SessionImpl& session) const noexcept;

  private:
    struct Entry {
        TimePoint deadline;
        std::shared_ptr<SessionImpl> session;
    };
    void place(std::size_t index, Entry entry);
    void sift_up(std::size_t index);
    void sift_down(std::size_t index);
    void remove(std::size_t index);
    /// Arms the timer for the earliest deadline unless a wait at or before it is pending.
    void rearm();
    void on_expiry();

    std::vector<Entry> heap_;
    boost::asio::steady_timer timer_;
    std::optional<TimePoint> waiting_until_;  // the pending wait's expiry
};

/// A tracked connection on a loop, closed by stop().
class Closable {
  public:
    virtual ~Closable() = default;
    virtual void shutdown() = 0;  ///< on the connection's loop
};

/// A WebSocket connection that carries a session (its primary transport, or the probe of an
/// upgrade). It runs on its own executor; calls from the session are posted there, and it reports
/// to the session on the session's executor. Made by make_ws_transport() (ws_transport.hpp).
class WsTransport : public Closable {
  public:
    /// The loop the connection runs on (the session's, unless a TLS stream could not move).
    virtual Executor executor() = 0;
    /// Completes the WebSocket handshake of `req` (call on executor()); `done(ec)` runs there.
    virtual void accept(std::shared_ptr<const StringRequest> req, std::string set_cookie,
                        std::function<void(const boost::system::error_code&)> done) = 0;
    /// Writes the packets in order (one frame each), then reports on_ws_write_done to the
    /// session. Jobs are serialised: a job written while another is in flight waits for it.
    /// Takes the packets, leaving `packets` empty (its memory stays with the caller).
    virtual void write(std::vector<OutPacket>& packets) = 0;
    /// The same for one packet.
    virtual void write(const OutPacket& packet) = 0;
    /// Sends a close frame (after any write in flight) and ends the connection.
    virtual void close(boost::beast::websocket::close_code code) = 0;
    /// Starts the read loop, delivering to `session`.
    virtual void start(std::shared_ptr<SessionImpl> session) = 0;
};

// --- the engine -------------------------------------------------------------------------------

class Core;

/// The Session implementation: a thin executor of protocol::SessionCore, which holds every rule.
/// It keeps the responders of the session's HTTP requests, its WebSockets and its timer, feeds the
/// core events and carries out the effects it yields. All mutable state is touched only on
/// executor().
class SessionImpl final : public Session, public std::enable_shared_from_this<SessionImpl> {
  public:
    /// On the loop `loop_index` of core->loop_states.
    SessionImpl(std::shared_ptr<Core> core, std::string sid, Request request,
                std::size_t loop_index, bool websocket);
    ~SessionImpl() override;

    const std::string& sid() const noexcept override { return sid_; }
    std::string_view transport() const noexcept override;
    const Request& request() const noexcept override { return request_; }
    /// Shares the session's own block: whoever keeps the request keeps the session's memory.
    std::shared_ptr<const Request> shared_request() const override {
        return {shared_from_this(), &request_};
    }
    const boost::asio::any_io_executor& executor() const noexcept override;
    std::size_t loop_index() const noexcept override { return loop_index_; }
    void send(Message message) override;
    void send(std::vector<Message> messages) override;
    std::size_t buffered_bytes() const noexcept override {
        return buffered_bytes_.load(std::memory_order_relaxed);
    }
    void close() override;

    /// The data of the OPEN packet.
    std::string open_packet_data() const;
    /// Arms the heartbeat timer; called once the session is registered.
    void start();
    /// Closes from this side with `reason` (posted if not on the loop).
    void close_with(protocol::CloseReason reason);
    bool is_closed() const noexcept { return closed_.load(std::memory_order_acquire); }
    /// The session's transport is a WebSocket (direct, or upgraded from polling).
    bool on_websocket() const noexcept { return websocket_.load(std::memory_order_acquire); }

    // --- on the session's loop ---
    void on_get(std::shared_ptr<HttpResponder> responder, ResponseContext ctx,
                std::chrono::steady_clock::time_point arrived);
    /// The connection of a GET closed before its response (any thread): if that GET is the one
    /// held, the session closes (transport_error).
    void on_get_aborted(const HttpResponder* responder);
    void on_post(std::string body, std::shared_ptr<HttpResponder> responder, ResponseContext ctx);
    /// A POST body over limits.max_payload, or a second POST while one is read: the session closes
    /// (any thread).
    void on_bad_post();
    /// A POST for this session started (its body is being read; any thread). False if another
    /// one is already in flight: the caller refuses it and calls on_bad_post().
    bool begin_post() noexcept {
        return !post_in_flight_.exchange(true, std::memory_order_acq_rel);
    }
    /// That POST's body was read (or its connection failed).
    void end_post() noexcept { post_in_flight_.store(false, std::memory_order_release); }
    void attach_websocket(std::shared_ptr<WsTransport> ws);  ///< direct WebSocket session
    void attach_probe(std::shared_ptr<WsTransport> ws);      ///< upgrade from polling

    void on_ws_packet(WsTransport* ws, protocol::Packet packet);
    /// A MESSAGE (its data, without the type character) read on `ws`; `data` is only valid
    /// during the call. The hot path: no Packet, no effect, no copy.
    void on_ws_message(WsTransport* ws, std::string_view data, bool binary);
    void on_ws_invalid(WsTransport* ws);
    void on_ws_closed(WsTransport* ws, bool error);
    void on_ws_write_done(WsTransport* ws, bool ok);
    /// The handler refused the session: it ends without on_disconnect.
    void abandon();
    /// Server::stop(): closes the session (server_shutdown), or forgets it at once if it was
    /// closed and lingers until a GET collects its CLOSE (any thread).
    void shutdown();

  private:
    bool on_loop() const;
    std::optional<protocol::Channel> channel_of(WsTransport* ws) const;
    /// Carries out the core's effects, then arms the timer for its next deadline.
    void run();
    void execute(protocol::Effect& effect, bool closed_before);
    void answer(protocol::Effect& effect);
    void deliver(std::string_view data, bool binary);
    void on_closed(protocol::CloseReason reason);
    void rearm_timer();
    void drop_timer();
    /// The deadline set with the loop's SessionTimers passed (called by them).
    void on_deadline();
    SessionTimers& timers() const;
    boost::asio::io_context& loop() const;
    friend class SessionTimers;
    static std::vector<protocol::Effect> borrow_effect_vector();
    static void return_effect_vector(std::vector<protocol::Effect> v);
    /// The same for the core's send queue: a vector lent before a send, back once written.
    static void return_packet_vector(std::vector<OutPacket>& v);
    /// Gives the core a spare effect vector if it has none, before a call that produces effects
    /// on the hot path (a send, a write done), so that it does not allocate one.
    void lend_effect_vector();
    void forget();

    std::shared_ptr<Core> core_;
    const std::string sid_;
    const Request request_;  // shared with Socket.IO's handshake (shared_request())

    std::atomic<bool> closed_{false};
    std::atomic<bool> websocket_{false};
    std::atomic<bool> post_in_flight_{false};
    bool counted_ = true;         // counted in Core::open_sessions until closed
    bool timer_dropped_ = false;  // once forgotten: no deadline any more
    bool running_ = false;
    const std::uint16_t loop_index_;                     // in the padding before timer_slot_
    std::uint32_t timer_slot_ = SessionTimers::no_slot;  // its place in the loop's SessionTimers
    std::atomic<std::size_t> buffered_bytes_{0};         // state_.queued_bytes() after each run()

    protocol::SessionCore state_;

    struct PendingRequest {
        std::shared_ptr<HttpResponder> responder;
        ResponseContext ctx;
    };
    /// The HTTP requests a polling session waits to answer. Allocated by the first request and
    /// released once the session is on WebSocket with none left: a WebSocket client never pays
    /// for them (~260 bytes a connection).
    struct PollingRequests {
        PendingRequest incoming_get;
        PendingRequest held_get;
        PendingRequest incoming_post;
        PendingRequest held_post;
        std::shared_ptr<WsTransport> probe;  // the WebSocket being probed, until the upgrade
        bool empty() const noexcept {
            return !incoming_get.responder && !held_get.responder && !incoming_post.responder &&
                   !held_post.responder && !probe;
        }
    };
    PollingRequests& polling();
    WsTransport* probe() const noexcept { return polling_ ? polling_->probe.get() : nullptr; }
    std::unique_ptr<PollingRequests> polling_;

    std::shared_ptr<WsTransport> ws_;  // primary WebSocket (direct or upgraded)
};

/// The sid → session map, sharded so lookups from many threads rarely contend.
class SessionMap {
  public:
    void insert(const std::shared_ptr<SessionImpl>& session);
    void erase(const std::string& sid, const SessionImpl* expected);
    std::shared_ptr<SessionImpl> find(std::string_view sid) const;
    std::vector<std::shared_ptr<SessionImpl>> all() const;
    std::size_t size() const;

  private:
    /// A session is found by its own sid: the set holds the sessions alone, inline (open
    /// addressing, ~25 bytes a session), where a hash map node would cost an allocation of 64.
    struct SidOf {
        std::string_view operator()(std::string_view sid) const noexcept { return sid; }
        std::string_view operator()(const std::shared_ptr<SessionImpl>& session) const noexcept {
            return session->sid();
        }
    };
    struct Shard {
        mutable std::mutex mutex;
        boost::unordered_flat_set<std::shared_ptr<SessionImpl>, sio::detail::KeyHash<SidOf>,
                                  sio::detail::KeyEqual<SidOf>>
            sessions;
    };
    Shard& shard(std::string_view sid) const;
    mutable std::array<Shard, 16> shards_;
};

/// Connection info passed with a request.
struct Peer {
    std::string address;
    std::uint16_t port = 0;
    bool secure = false;
    std::size_t loop_index = 0;
    boost::asio::io_context* context = nullptr;
};

/// State shared by the server, its connections and its sessions.
class Core : public std::enable_shared_from_this<Core> {
  public:
    explicit Core(ServerOptions options);

    ServerOptions options;
    std::shared_ptr<Handler> handler;
    HttpHandler http_handler;  ///< requests for other paths; none: 404
    std::optional<boost::asio::ssl::context> tls;
    SessionMap sessions;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> live_connections{0};  ///< TCP connections (HTTP and WebSocket)
    std::atomic<std::size_t> open_sessions{0};     ///< sessions not yet closed
    std::atomic<std::size_t> closed_sessions{0};   ///< sessions closed so far (ever)

    /// Per-loop registries of open connections (touched only on their loop).
    struct LoopState {
        boost::asio::io_context* context = nullptr;  ///< the loop
        std::vector<std::weak_ptr<Closable>> connections;
        /// The loop's session deadlines; released by ~Server while the loop exists.
        std::unique_ptr<SessionTimers> timers;
        /// WebSocket connections whose framed bytes go out at the end of this turn, written by
        /// one posted task (ws_transport.cpp); `flushing` is the batch being written.
        struct PendingFlush {
            std::shared_ptr<WsTransport> transport;
            void (*run)(WsTransport&);
        };
        std::vector<PendingFlush> flushes;
        std::vector<PendingFlush> flushing;
        bool flush_posted = false;
    };
    std::vector<std::unique_ptr<LoopState>> loop_states;
    std::vector<Executor> loop_executors;
    void track(std::size_t loop, std::weak_ptr<Closable> connection);
    /// Drops the entries of closed connections from a loop's registry (on that loop).
    void prune_connections(std::size_t loop);

    bool is_engine_path(std::string_view path) const;

    /// Result of checking an Engine.IO request before it reaches a session.
    struct Verdict {
        std::optional<error> failure;
        std::shared_ptr<SessionImpl> session;  ///< with a sid: the session
        bool websocket = false;                ///< transport=websocket
        ResponseContext ctx;
        std::string cors_origin_log;
    };
    /// Checks transport, origin, sid, method and protocol version (engine.io's verify()). A sid
    /// this process does not know is logged (unknown_sid_log): the usual cause is a load
    /// balancer without sticky sessions.
    Verdict verify(const StringRequest& req, const Target& target, bool upgrade, const Peer& peer);

    /// A plain HTTP request on the Engine.IO path (not a WebSocket upgrade). `polled` is set to
    /// the session a long-poll GET was handed to.
    void handle_http(StringRequest&& req, Target&& target, const Peer& peer,
                     std::shared_ptr<HttpResponder> responder,
                     std::shared_ptr<SessionImpl>& polled);

    /// Creates a session for a handshake and asks the handler. Null if refused.
    std::shared_ptr<SessionImpl> open_session(const StringRequest& req, Target&& target,
                                              const Peer& peer, bool websocket);

    /// Calls the handler's on_connect; false if it refused or threw.
    bool call_on_connect(const SessionPtr& session);

    /// A request's Host is in options.cors.allowed_hosts (or that list is empty).
    bool host_allowed(const StringRequest& req) const;
    /// limits.max_sessions is reached.
    bool sessions_full() const;

    /// Lines a client can cause, each kind rate-limited (and below error level).
    sio::detail::RateLimitedLog refused_host_log{logger(), "refused host"};
    sio::detail::RateLimitedLog refused_origin_log{logger(), "refused origin"};
    sio::detail::RateLimitedLog client_error_log{logger(), "client error"};
    /// Requests for a sid this process does not know. One such request is normal (a client that
    /// comes back after its session ended); many are what a load balancer without sticky
    /// sessions causes, which is worth a warning a user sees once, not a line per request.
    sio::detail::RateLimitedLog unknown_sid_log{logger(), "unknown sid", 5,
                                                std::chrono::seconds(60)};

    /// The SessionCore configuration of every session.
    std::shared_ptr<const protocol::SessionCore::Config> session_config;

    /// Calls `done` on `home` once every loop has handed on whatever it had already received: each
    /// loop polls its sockets and runs what was queued, twice (an accept on one loop can queue the
    /// read on another), and the last loop's answer reaches `home` after anything those loops
    /// posted there before. Requests of one session that arrived on several connections thus
    /// reach the session in arrival order when it matters (SessionCore's fences).
    void fence(const Executor& home, std::function<void()> done);
};

}  // namespace engineio::detail
