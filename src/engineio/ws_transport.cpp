// The WebSocket transport: a Beast websocket stream carrying one session (its primary transport,
// or the probe of an upgrade). A template over the stream, instantiated for tcp_stream and
// ssl_stream<tcp_stream>.
#include "ws_transport.hpp"

#include <array>
#include <deque>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
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

bool is_clean_close(const boost::system::error_code& ec) {
    return ec == websocket::error::closed || ec == net::error::eof ||
           ec == net::error::operation_aborted || ec == beast::error::timeout;
}

template <class Stream>
class WsTransportImpl final : public WsTransport,
                              public std::enable_shared_from_this<WsTransportImpl<Stream>> {
  public:
    WsTransportImpl(Stream&& stream, std::shared_ptr<Core> core, bool base64_binary)
        : ws_(std::move(stream)), core_(std::move(core)), base64_binary_(base64_binary) {
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
                                   const boost::system::error_code& ec) mutable { done(ec); });
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
            if (self->writing_) {
                self->close_after_ = code;
            } else {
                self->do_close(code);
            }
        });
    }

    void shutdown() override { close(websocket::close_code::going_away); }

  private:
    void read() {
        ws_.async_read(buffer_,
                       [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                         std::size_t) { self->on_read(ec); });
    }

    void on_read(const boost::system::error_code& ec) {
        if (ec) {
            closing_ = true;
            if (auto session = std::move(session_)) {
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
        if (!session_) return;
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
            closing_ = true;
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
        closing_ = true;
        ws_.async_close(websocket::close_reason(code),
                        [self = this->shared_from_this()](const boost::system::error_code&) {});
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
};

}  // namespace

std::shared_ptr<WsTransport> make_ws_transport(PlainStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary) {
    return std::make_shared<WsTransportImpl<PlainStream>>(std::move(stream), std::move(core),
                                                          base64_binary);
}

std::shared_ptr<WsTransport> make_ws_transport(TlsStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary) {
    return std::make_shared<WsTransportImpl<TlsStream>>(std::move(stream), std::move(core),
                                                        base64_binary);
}

}  // namespace engineio::detail
