// The WebSocket transport: a Beast websocket stream carrying one session (its primary transport,
// or the probe of an upgrade). A template over the stream, instantiated for tcp_stream and
// ssl_stream<tcp_stream>.
//
// Closing. Once the transport closes (the session closed it, or the connection failed) it reads
// nothing more for the session and writes only what was queued before, then the close frame. The
// whole close — flushing, the close handshake, the TCP teardown — gets `websocket_close_linger`;
// then the socket is reset. Without that bound a client that stopped reading (a write stuck in
// flight, so the close frame is never sent) or that never answers the close frame would keep the
// connection, its kernel send queue and the server's reads alive until Beast's idle timer, which
// every byte the client sends restarts. Over plain TCP the reads of the close handshake (Beast's
// close reads and discards frames until the client's close frame) also get a byte budget, so a
// client that floods instead of answering is left unread, not read and discarded for the linger.
#include "ws_transport.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <type_traits>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "engineio/protocol/base64.hpp"

namespace engineio::detail {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

/// What one more message and the close frame after it take: once the transport closes, the read
/// in flight and the close handshake may read this much more, then reads stop.
std::size_t close_read_budget(const ServerOptions& options) {
    return options.max_payload + 64 * 1024;
}

/// A Beast rate policy for the WebSocket's TCP stream: reads are unlimited until the transport
/// closes, then limited to a budget that is never refilled (Beast still lets a starved read take
/// one byte per second; the linger ends it). Costs nothing while unlimited: Beast consults the
/// policy per read and arms no timer unless a read finds the budget spent.
class CloseReadBudget {
  public:
    void limit(std::size_t bytes) noexcept { remaining_ = bytes; }

  private:
    friend class beast::rate_policy_access;
    static constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();
    std::size_t available_read_bytes() const noexcept { return remaining_; }
    std::size_t available_write_bytes() const noexcept { return unlimited; }
    void transfer_read_bytes(std::size_t n) noexcept {
        if (remaining_ != unlimited) remaining_ -= std::min(n, remaining_);
    }
    void transfer_write_bytes(std::size_t) noexcept {}
    void on_timer() noexcept {}

    std::size_t remaining_ = unlimited;
};

using BudgetedTcpStream = beast::basic_stream<net::ip::tcp, net::any_io_executor, CloseReadBudget>;

bool is_clean_close(const boost::system::error_code& ec) {
    return ec == websocket::error::closed || ec == net::error::eof ||
           ec == net::error::operation_aborted || ec == beast::error::timeout;
}

template <class Stream>
class WsTransportImpl final : public WsTransport,
                              public std::enable_shared_from_this<WsTransportImpl<Stream>> {
  public:
    WsTransportImpl(Stream&& stream, std::shared_ptr<Core> core, bool base64_binary)
        : ws_(std::move(stream)),
          core_(std::move(core)),
          base64_binary_(base64_binary),
          linger_timer_(ws_.get_executor()) {
        ++core_->live_connections;
    }
    ~WsTransportImpl() override { --core_->live_connections; }

    Executor executor() override { return ws_.get_executor(); }

    void accept(std::shared_ptr<const StringRequest> req, std::string set_cookie,
                std::function<void(const boost::system::error_code&)> done) override {
        beast::get_lowest_layer(ws_).expires_never();  // the websocket stream has its own timeouts
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator(
            [cookie = std::move(set_cookie)](websocket::response_type& res) {
                res.set(http::field::server, "socketio-cpp");
                if (!cookie.empty()) res.set(http::field::set_cookie, cookie);
            }));
        if (core_->options.websocket_compression) {
            websocket::permessage_deflate deflate;
            deflate.server_enable = true;
            ws_.set_option(deflate);
        }
        ws_.read_message_max(core_->options.max_payload);
        ws_.async_accept(*req, [self = this->shared_from_this(), req, done = std::move(done)](
                                   const boost::system::error_code& ec) mutable {
            if (!ec) self->bound_close_handshakes();
            done(ec);
        });
    }

    void start(std::shared_ptr<SessionImpl> session) override {
        net::dispatch(executor(), [self = this->shared_from_this(), session = std::move(session)] {
            self->session_executor_ = session->executor();
            self->session_ = session;
            self->read();
        });
    }

    void write(std::vector<OutPacket> packets) override {
        net::dispatch(executor(),
                      [self = this->shared_from_this(), p = std::move(packets)]() mutable {
                          if (self->closing_) return;
                          self->jobs_.push_back(std::move(p));
                          if (!self->writing_) self->write_next();
                      });
    }

    void close(websocket::close_code code) override {
        net::dispatch(executor(), [self = this->shared_from_this(), code] {
            if (self->closing_) return;
            self->begin_closing();
            if (self->writing_) {
                self->close_after_ = code;  // the close frame follows what is queued
            } else {
                self->do_close(code);
            }
        });
    }

    void shutdown() override { close(websocket::close_code::going_away); }

  private:
    /// Beast bounds a closing handshake by its handshake timeout: once the opening handshake is
    /// done, that is the linger, so the close handshakes Beast runs on its own (the client's
    /// close frame, a frame it fails with 1007/1009) are bounded like ours.
    void bound_close_handshakes() {
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
        timeouts.handshake_timeout = core_->options.websocket_close_linger;
        ws_.set_option(timeouts);
    }

    /// From now on nothing is read for the session and nothing new is written; the connection
    /// gets the linger to finish, then it is reset.
    void begin_closing() {
        if (closing_) return;
        closing_ = true;
        if constexpr (std::is_same_v<Stream, BudgetedTcpStream>) {
            beast::get_lowest_layer(ws_).rate_policy().limit(close_read_budget(core_->options));
        }
        if (!beast::get_lowest_layer(ws_).socket().is_open()) return;
        linger_timer_.expires_after(core_->options.websocket_close_linger);
        linger_timer_.async_wait([self = this->shared_from_this()](
                                     const boost::system::error_code& ec) {
            if (ec == net::error::operation_aborted) return;
            if (beast::get_lowest_layer(self->ws_).socket().is_open()) {
                logger()->info("WebSocket from {}: close not completed within {} ms; resetting",
                               self->remote(), self->core_->options.websocket_close_linger.count());
            }
            self->reset_connection();
        });
    }

    /// Closes the TCP connection at once, dropping what the kernel still holds to send: an
    /// abortive close (RST), so a peer that stopped reading does not keep megabytes queued in
    /// the kernel either. Pending operations complete with operation_aborted.
    void reset_connection() {
        linger_timer_.cancel();
        auto& stream = beast::get_lowest_layer(ws_);
        if (!stream.socket().is_open()) return;
        boost::system::error_code ignored;
        stream.socket().set_option(net::socket_base::linger(true, 0), ignored);
        stream.close();
    }

    std::string remote() const {
        boost::system::error_code ec;
        const auto endpoint = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
        return ec ? std::string("?") : endpoint.address().to_string();
    }

    void read() {
        if (closing_) return;  // the session no longer wants data: leave it unread
        ws_.async_read(buffer_,
                       [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                         std::size_t) { self->on_read(ec); });
    }

    void on_read(const boost::system::error_code& ec) {
        if (ec) {
            // A read error ends Beast's stream: it has torn the connection down (a close
            // handshake, a protocol error it answered with a close frame) or the connection
            // failed. Nothing is left to wait for; a write still in flight can only fail.
            closing_ = true;
            reset_connection();
            if (auto session = std::move(session_)) {
                if (ec == websocket::error::bad_frame_payload) {
                    // A text frame that is not UTF-8 (Beast closed with 1007): an invalid packet,
                    // as the same bytes in a polling POST are (parse_error on both transports).
                    net::dispatch(session_executor_, [self = this->shared_from_this(), session] {
                        session->on_ws_invalid(self.get());
                    });
                    return;
                }
                const bool error = !is_clean_close(ec);
                net::dispatch(session_executor_, [self = this->shared_from_this(), session, error] {
                    session->on_ws_closed(self.get(), error);
                });
            }
            return;
        }
        protocol::Packet packet;
        bool valid = true;
        const auto bytes = buffer_.cdata();
        const std::string_view view(static_cast<const char*>(bytes.data()), bytes.size());
        if (ws_.got_text()) {
            valid = !protocol::decode_packet(view, packet);
        } else {
            packet = protocol::decode_binary_frame(view);
        }
        buffer_.consume(buffer_.size());
        if (!session_ || closing_) return;
        // Deliver on the session's loop (inline when it is this one), then read the next frame:
        // one frame at a time, so a slow session slows its reader instead of queueing frames.
        net::dispatch(session_executor_, [self = this->shared_from_this(), session = session_,
                                          packet = std::move(packet), valid]() mutable {
            if (valid) {
                session->on_ws_packet(self.get(), std::move(packet));
            } else {
                session->on_ws_invalid(self.get());
            }
            net::dispatch(self->executor(), [self] { self->read(); });
        });
    }

    void write_next() {
        while (!jobs_.empty() && job_index_ >= jobs_.front().size()) {
            jobs_.pop_front();
            job_index_ = 0;
            notify_written(true);
        }
        if (jobs_.empty()) {
            writing_ = false;
            if (close_after_) do_close(*close_after_);
            return;
        }
        writing_ = true;
        const OutPacket& packet = jobs_.front()[job_index_];
        auto on_written = [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                            std::size_t) { self->on_write(ec); };
        if (packet.type == protocol::PacketType::message && packet.binary) {
            if (base64_binary_) {
                scratch_.assign(1, 'b');
                protocol::base64_encode(*packet.data, scratch_);
                ws_.text(true);
                ws_.async_write(net::buffer(scratch_), std::move(on_written));
            } else {
                ws_.binary(true);
                ws_.async_write(net::buffer(*packet.data), std::move(on_written));
            }
            return;
        }
        // Text: the type character and the shared payload as two buffers, no copy.
        type_char_ = protocol::type_char(packet.type);
        ws_.text(true);
        const std::array<net::const_buffer, 2> buffers{net::buffer(&type_char_, 1),
                                                       net::buffer(*packet.data)};
        ws_.async_write(buffers, std::move(on_written));
    }

    void on_write(const boost::system::error_code& ec) {
        if (ec) {
            // The connection is gone; the read side reports it (a clean close from the peer can
            // fail a write in flight, and must not read as a transport error).
            writing_ = false;
            begin_closing();
            jobs_.clear();
            job_index_ = 0;
            return;
        }
        ++job_index_;
        write_next();
    }

    void notify_written(bool ok) {
        if (!session_) return;
        net::dispatch(session_executor_, [self = this->shared_from_this(), session = session_, ok] {
            session->on_ws_write_done(self.get(), ok);
        });
    }

    void do_close(websocket::close_code code) {
        begin_closing();
        // Done, cleanly or not: the socket is closed (Beast's teardown) or is closed now.
        ws_.async_close(websocket::close_reason(code),
                        [self = this->shared_from_this()](const boost::system::error_code&) {
                            self->reset_connection();
                        });
    }

    websocket::stream<Stream> ws_;
    std::shared_ptr<Core> core_;
    const bool base64_binary_;
    beast::flat_buffer buffer_;
    std::shared_ptr<SessionImpl> session_;
    Executor session_executor_;
    std::deque<std::vector<OutPacket>> jobs_;
    std::size_t job_index_ = 0;
    bool writing_ = false;
    bool closing_ = false;
    std::optional<websocket::close_code> close_after_;
    char type_char_ = '4';
    std::string scratch_;
    net::steady_timer linger_timer_;  // armed once closing: resets the connection at its end
};

}  // namespace

std::shared_ptr<WsTransport> make_ws_transport(PlainStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary) {
    // The same socket, in a stream whose reads can be budgeted once the transport closes. (A TLS
    // stream cannot be rebuilt around its socket: its close is bounded by the linger only.)
    return std::make_shared<WsTransportImpl<BudgetedTcpStream>>(
        BudgetedTcpStream(stream.release_socket()), std::move(core), base64_binary);
}

std::shared_ptr<WsTransport> make_ws_transport(TlsStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary) {
    return std::make_shared<WsTransportImpl<TlsStream>>(std::move(stream), std::move(core),
                                                        base64_binary);
}

}  // namespace engineio::detail
