// The HTTP connection of the Engine.IO server (plain or TLS): reads requests, routes the Engine.IO
// path to the engine and hands WebSocket upgrades to the WebSocket transport. A template over the
// stream, instantiated for PlainStream and TlsStream (ws_transport.hpp).
#include "http_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "ws_transport.hpp"

namespace engineio::detail {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

/// Moves a plain TCP connection onto another loop (so an upgraded session's WebSocket lives on
/// the session's loop). A TLS stream cannot move: its WebSocket stays and talks to the session
/// through posts.
std::optional<PlainStream> rebind(PlainStream& stream, const Executor& target) {
    const auto* loop = target.target<LoopExecutor>();
    if (!loop || *loop == stream.get_executor()) return std::nullopt;
    boost::system::error_code ec;
    LoopSocket socket = stream.release_socket();
    const auto protocol = socket.local_endpoint(ec).protocol();
    if (ec) return PlainStream(std::move(socket));
    const auto handle = socket.release(ec);
    if (ec) return std::nullopt;
    LoopSocket moved(*loop);
    moved.assign(protocol, handle, ec);
    if (ec) return std::nullopt;
    return PlainStream(std::move(moved));
}
std::optional<TlsStream> rebind(TlsStream&, const Executor&) {
    return std::nullopt;
}

template <class Stream>
class HttpConnection final : public HttpResponder,
                             public HttpReplyTarget,
                             public Closable,
                             public std::enable_shared_from_this<HttpConnection<Stream>> {
  public:
    HttpConnection(Stream&& stream, std::shared_ptr<Core> core, Peer peer)
        : stream_(std::move(stream)),
          executor_(stream_.get_executor()),
          core_(std::move(core)),
          peer_(std::move(peer)) {
        ++core_->live_connections;
    }
    ~HttpConnection() override { --core_->live_connections; }

    /// A connection whose first request was read by its owner (Server::handle).
    void serve(StringRequest req, beast::flat_buffer already_read) {
        buffer_ = std::move(already_read);
        target_ = parse_target(req.target());
        target_.arrived = std::chrono::steady_clock::now();
        engine_request_ = core_->is_engine_path(target_.path);
        const std::size_t limit =
            engine_request_ ? core_->options.limits.max_payload : core_->options.http.max_body_size;
        if (req.body().size() > limit) return payload_too_large(req);
        route(std::move(req));
    }

    void run() {
        if constexpr (is_tls<Stream>) {
            beast::get_lowest_layer(stream_).expires_after(core_->options.http.read_timeout);
            stream_.async_handshake(
                net::ssl::stream_base::server,
                [self = this->shared_from_this()](const boost::system::error_code& ec) {
                    if (ec) return self->close_socket();
                    self->read_request();
                });
        } else {
            read_request();
        }
    }

    void respond(StringResponse response) override {
        net::dispatch(stream_.get_executor(),
                      [self = this->shared_from_this(), r = std::move(response)]() mutable {
                          self->write_response(std::move(r));
                      });
    }

    void send_reply(http::message_generator response) override {
        net::dispatch(stream_.get_executor(),
                      [self = this->shared_from_this(), r = std::move(response)]() mutable {
                          self->write_generated(std::move(r));
                      });
    }

    net::any_io_executor reply_executor() const override { return executor_; }

    void shutdown() override {
        // Idle keep-alive connections end now; one waiting for a response ends after it.
        if (reading_ && !moved_) close_socket();
    }

  private:
    void read_request() {
        if (core_->stopping) return close_socket();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(core_->options.http.max_header_size));
        // The larger of the two bounds until the path is known (Beast checks Content-Length while
        // it reads the header); on_header applies the path's own.
        parser_->body_limit(
            std::max(core_->options.limits.max_payload, core_->options.http.max_body_size));
        reading_ = true;
        beast::get_lowest_layer(stream_).expires_after(core_->options.http.read_timeout);
        http::async_read_header(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                self->on_header(ec);
            });
    }

    void on_header(const boost::system::error_code& ec) {
        if (!ec || ec == http::error::body_limit) {
            target_ = parse_target(parser_->get().target());
            target_.arrived = std::chrono::steady_clock::now();
            engine_request_ = core_->is_engine_path(target_.path);
        }
        if (ec == http::error::body_limit) return payload_too_large();  // Content-Length too big
        if (ec) {
            reading_ = false;
            if (ec == http::error::header_limit) {
                ResponseContext ctx;
                ctx.keep_alive = false;
                return write_response(
                    make_response(ctx, http::status::request_header_fields_too_large, "text/plain",
                                  "Request Header Fields Too Large"));
            }
            return close_socket();
        }
        const auto& req = parser_->get();
        const auto length = parser_->content_length();
        const std::size_t limit =
            engine_request_ ? core_->options.limits.max_payload : core_->options.http.max_body_size;
        if (length && *length > limit) return payload_too_large();
        parser_->body_limit(limit);  // a chunked body: checked as it is read
        if (req.method() == http::verb::post && engine_request_) {
            if (!claim_post(req)) return;
        }
        if (parser_->is_done()) {
            // No body: hand the request on now, in this handler, not one loop turn later — a
            // session's fence (Core::fence) counts on requests being handed on promptly.
            return on_body({});
        }
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                           std::size_t) { self->on_body(ec); });
    }

    /// At most one POST in flight per session (engine.io's "data request overlap"): a second
    /// one while the first body is still being read gets 400 and the session closes.
    bool claim_post(const StringRequest& req) {
        if (const auto sid = target_.param("sid")) {
            auto session = core_->sessions.find(*sid);
            if (!session) return true;  // answered with "Session ID unknown" after the body
            if (session->begin_post()) {
                posting_ = std::move(session);
                return true;
            }
            core_->client_error_log.info("session {}: overlapping polling POST; closing",
                                         session->sid());
            session->on_bad_post();
            reading_ = false;
            ResponseContext ctx;
            ctx.version = req.version();
            ctx.keep_alive = false;
            ctx.cors_headers = check_cors(core_->options, req, peer_.secure).headers;
            draining_ = true;
            write_response(make_error_response(ctx, error::bad_request));
            return false;
        }
        return true;
    }

    void on_body(const boost::system::error_code& ec) {
        reading_ = false;
        if (posting_) {
            posting_->end_post();
            posting_.reset();
        }
        if (ec == http::error::body_limit) return payload_too_large();
        if (ec) return close_socket();
        beast::get_lowest_layer(stream_).expires_never();  // a long-poll may wait ping_interval
        route(parser_->release());
    }

    /// The one place a request is routed: the Engine.IO path to the engine, the rest to the HTTP
    /// handler (or 404 without one).
    void route(StringRequest req) {
        if (!engine_request_) {
            if (core_->http_handler) return to_application(std::move(req));
            ResponseContext ctx;
            ctx.version = req.version();
            ctx.keep_alive = req.keep_alive();
            return write_response(
                make_response(ctx, http::status::not_found, "text/plain", "Not Found"));
        }
        if (websocket::is_upgrade(req)) return upgrade(std::move(req));
        std::shared_ptr<SessionImpl> polled;
        core_->handle_http(std::move(req), std::move(target_), peer_, this->shared_from_this(),
                           polled);
        if (polled) watch(std::move(polled));
    }

    void to_application(StringRequest req) {
        HttpPeer peer{peer_.address, peer_.port, peer_.secure};
        HttpReply reply(this->shared_from_this(), req.version(), req.keep_alive());
        try {
            core_->http_handler(std::move(req), peer, std::move(reply));
        } catch (const std::exception& e) {
            // The reply, destroyed unsent while the exception left the handler, answered 500.
            logger()->error("HTTP handler threw for {}: {}", target_.path, e.what());
        } catch (...) {
            logger()->error("HTTP handler threw for {}: a non-standard exception", target_.path);
        }
    }

    /// While a long-poll GET waits for its response, read on: a client that cancels the request
    /// closes the connection, and the session then closes at once ("poll connection closed
    /// prematurely", as engine.io does), not at the next ping timeout. Over TLS a read cannot be
    /// cancelled safely when the response is ready, so there the ping timeout still decides.
    void watch(std::shared_ptr<SessionImpl> session) {
        if constexpr (is_tls<Stream>) {
            return;
        } else {
            watched_ = std::move(session);
            watching_ = true;
            stream_.socket().async_read_some(
                buffer_.prepare(4096),
                [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t n) { self->on_watch(ec, n); });
        }
    }

    void on_watch(const boost::system::error_code& ec, std::size_t n) {
        watching_ = false;
        auto session = std::move(watched_);
        watched_.reset();
        if (!ec) buffer_.commit(n);  // a pipelined request: parsed after the response
        if (resume_after_watch_) {
            // The response went out and cancelled this read: on to the next request.
            resume_after_watch_ = false;
            return read_request();
        }
        if (ec && ec != net::error::operation_aborted) {
            if (session) session->on_get_aborted(this);
            close_socket();
        }
    }

    void payload_too_large() { payload_too_large(parser_->get()); }

    void payload_too_large(const StringRequest& req) {
        reading_ = false;
        draining_ = true;  // read and drop the unread body, so closing does not reset the 413
        ResponseContext ctx;
        ctx.version = req.version();
        ctx.keep_alive = false;
        if (!engine_request_) {
            core_->client_error_log.info("{}: request body over http.max_body_size ({}): 413",
                                         peer_.address, core_->options.http.max_body_size);
            return write_response(make_response(ctx, http::status::payload_too_large, "text/plain",
                                                "Payload Too Large"));
        }
        if (const auto sid = target_.param("sid")) {
            if (auto session = core_->sessions.find(*sid)) session->on_bad_post();
        }
        ctx.cors_headers = check_cors(core_->options, req, peer_.secure).headers;
        write_response(make_error_response(ctx, error::payload_too_large));
    }

    /// After a response to a request whose body was not read: stop sending, then discard what the
    /// client still sends (bounded in time and bytes), so the close does not turn into a TCP reset
    /// that destroys the response before the client reads it.
    void drain_then_close() {
        if constexpr (!is_tls<Stream>) {
            boost::system::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        }
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
        drain_buffer_.resize(16 * 1024);
        drain_step(0);
    }

    void drain_step(std::size_t drained) {
        if (drained > 4 * core_->options.limits.max_payload + (1 << 20)) return close_socket();
        stream_.async_read_some(net::buffer(drain_buffer_),
                                [self = this->shared_from_this(), drained](
                                    const boost::system::error_code& ec, std::size_t n) {
                                    if (ec) return self->close_socket();
                                    self->drain_step(drained + n);
                                });
    }

    void upgrade(StringRequest req) {
        Core::Verdict verdict = core_->verify(req, target_, true, peer_);
        if (verdict.failure) {
            verdict.ctx.keep_alive = false;
            return write_response(make_error_response(verdict.ctx, *verdict.failure));
        }
        const bool b64 = target_.param("b64").has_value();
        if (auto session = verdict.session) {
            // Upgrade of a polling session: the WebSocket joins the session's loop if it can.
            auto stream = rebind(stream_, session->executor());
            auto ws = stream ? make_ws_transport(std::move(*stream), core_, b64, take_received())
                             : make_ws_transport(std::move(stream_), core_, b64, take_received());
            moved_ = true;
            track(ws);
            auto request = std::make_shared<const StringRequest>(std::move(req));
            net::dispatch(ws->executor(), [ws, session, request] {
                ws->accept(request, {}, [ws, session](const boost::system::error_code& ec) {
                    if (ec) return;
                    net::dispatch(session->executor(),
                                  [ws, session] { session->attach_probe(ws); });
                });
            });
            return;
        }
        if (core_->sessions_full()) {
            verdict.ctx.keep_alive = false;
            return write_response(make_error_response(verdict.ctx, error::too_many_sessions));
        }
        auto session = core_->open_session(req, std::move(target_), peer_, true);
        if (!session) {
            ResponseContext ctx = verdict.ctx;
            ctx.keep_alive = false;
            return write_response(make_error_response(ctx, error::forbidden));
        }
        std::string cookie;
        if (core_->options.http.cookie)
            cookie = make_cookie(*core_->options.http.cookie, session->sid());
        auto ws = make_ws_transport(std::move(stream_), core_, b64, take_received());
        moved_ = true;
        track(ws);
        ws->accept(std::make_shared<const StringRequest>(std::move(req)), std::move(cookie),
                   [ws, session](const boost::system::error_code& ec) {
                       if (ec) return session->close_with(protocol::CloseReason::transport_error);
                       session->attach_websocket(ws);
                   });
    }

    /// What was read after the request being upgraded: it belongs to the WebSocket.
    std::string take_received() {
        std::string received = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        return received;
    }

    template <class T>
    void track(const std::shared_ptr<T>& connection) {
        auto ex = connection->executor();
        net::dispatch(
            ex, [core = core_, loop = loop_of(ex), weak = std::weak_ptr<Closable>(connection)] {
                core->track(loop, weak);
            });
    }

    std::size_t loop_of(const Executor& ex) const {
        for (std::size_t i = 0; i < core_->loop_executors.size(); ++i) {
            if (core_->loop_executors[i] == ex) return i;
        }
        return peer_.loop_index;
    }

    void write_response(StringResponse response) {
        if (moved_) return;
        auto res = std::make_shared<StringResponse>(std::move(response));
        const bool keep_alive = res->keep_alive() && !core_->stopping;
        res->keep_alive(keep_alive);
        beast::get_lowest_layer(stream_).expires_after(core_->options.http.read_timeout);
        http::async_write(stream_, *res,
                          [self = this->shared_from_this(), res, keep_alive](
                              const boost::system::error_code& ec, std::size_t) {
                              self->after_write(ec, keep_alive);
                          });
    }

    void after_write(const boost::system::error_code& ec, bool keep_alive) {
        if (!ec && draining_) return drain_then_close();
        if (ec || !keep_alive) return close_gracefully();
        if (watching_) {
            // Read again once the watching read has ended (on_watch).
            resume_after_watch_ = true;
            boost::system::error_code ignored;
            beast::get_lowest_layer(stream_).socket().cancel(ignored);
            return;
        }
        read_request();
    }

    /// An application's response (HttpReply::send), written a piece at a time: a file_body
    /// response streams through Beast's bounded buffer, and each piece gets read_timeout to go
    /// out, so a large download lives as long as it progresses and a stalled client not longer.
    void write_generated(http::message_generator response) {
        if (moved_) return;
        generated_.emplace(std::move(response));
        generated_keep_alive_ = generated_->keep_alive() && !core_->stopping;
        write_generated_piece();
    }

    void write_generated_piece() {
        if (generated_->is_done()) {
            generated_.reset();
            return after_write({}, generated_keep_alive_);
        }
        boost::system::error_code ec;
        const auto buffers = generated_->prepare(ec);
        if (ec) {
            logger()->warn("HTTP response for {} failed: {}", target_.path, ec.message());
            generated_.reset();
            return close_socket();
        }
        beast::get_lowest_layer(stream_).expires_after(core_->options.http.read_timeout);
        net::async_write(stream_, buffers,
                         [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                           std::size_t written) {
                             if (ec) {
                                 self->generated_.reset();
                                 return self->after_write(ec, false);
                             }
                             self->generated_->consume(written);
                             self->write_generated_piece();
                         });
    }

    void close_gracefully() {
        if (moved_) return;
        if constexpr (is_tls<Stream>) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
            stream_.async_shutdown([self = this->shared_from_this()](
                                       const boost::system::error_code&) { self->close_socket(); });
        } else {
            boost::system::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            close_socket();
        }
    }

    void close_socket() {
        if (moved_) return;
        beast::get_lowest_layer(stream_).close();
    }

    Stream stream_;
    const Executor executor_;  // the stream's
    std::shared_ptr<Core> core_;
    Peer peer_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Target target_;  // of the request being read
    bool reading_ = false;
    bool engine_request_ = false;  // the request being read is for the Engine.IO path
    std::optional<http::message_generator> generated_;  // an application's response being written
    bool generated_keep_alive_ = false;
    bool watching_ = false;            // a read watches the connection of a long poll
    bool resume_after_watch_ = false;  // the response is written: read_request() after the watch
    std::shared_ptr<SessionImpl> watched_;  // the session whose long poll is watched
    bool moved_ = false;                    // the stream went to a WebSocket transport
    bool draining_ = false;                 // the request body was refused unread
    std::shared_ptr<SessionImpl> posting_;  // the session whose POST body is being read
    std::vector<char> drain_buffer_;
};

}  // namespace

void start_connection(LoopSocket socket, const std::shared_ptr<Core>& core, Peer peer) {
    if (core->options.limits.max_connections != 0 &&
        core->live_connections.load() >= core->options.limits.max_connections) {
        // Over the bound: a 503 written at once (the request is not read) and the socket closed.
        core->client_error_log.warn(
            "refused a connection from {}: limits.max_connections ({}) reached", peer.address,
            core->options.limits.max_connections);
        static const std::string refusal =
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: "
            "text/plain\r\nContent-Length: 19\r\n\r\nService Unavailable";
        auto refused = std::make_shared<LoopSocket>(std::move(socket));
        net::async_write(*refused, net::buffer(refusal),
                         [refused](const boost::system::error_code&, std::size_t) {
                             boost::system::error_code ignored;
                             refused->shutdown(tcp::socket::shutdown_both, ignored);
                             refused->close(ignored);
                         });
        return;
    }
    // TCP_NODELAY: inherited from the listening socket.
    const std::size_t loop = peer.loop_index;
    std::shared_ptr<Closable> tracked;
    if (core->tls) {
        peer.secure = true;
        auto connection = std::make_shared<HttpConnection<TlsStream>>(
            TlsStream(PlainStream(std::move(socket)), *core->tls), core, std::move(peer));
        tracked = connection;
        connection->run();
    } else {
        auto connection = std::make_shared<HttpConnection<PlainStream>>(
            PlainStream(std::move(socket)), core, std::move(peer));
        tracked = connection;
        connection->run();
    }
    core->track(loop, tracked);
}

void start_handed_connection(LoopSocket socket, const std::shared_ptr<Core>& core, Peer peer,
                             StringRequest request, boost::beast::flat_buffer already_read) {
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const std::size_t loop = peer.loop_index;
    auto connection = std::make_shared<HttpConnection<PlainStream>>(PlainStream(std::move(socket)),
                                                                    core, std::move(peer));
    core->track(loop, connection);
    connection->serve(std::move(request), std::move(already_read));
}

}  // namespace engineio::detail
