// The WebSocket transport: one connection carrying one session (its primary transport, or the
// probe of an upgrade), framed by our own codec (protocol/websocket.hpp) over the TCP socket or
// the TLS stream. A template over the stream, instantiated for plain TCP and TLS.
//
// Why not Beast's websocket stream: it reads and writes one message per operation, so every
// outgoing message cost a `sendmsg` and every incoming one a completion. Here (issue 11):
// - Reads (plain TCP): wait until the socket is readable, then read what is there into a buffer
//   of the loop thread, and hand every whole message in it to the session, in order, inline. An
//   idle connection holds no read buffer; only the start of an incomplete frame is kept.
// - Writes: every message queued for the connection is framed into one buffer, written with one
//   non-blocking `send` when the loop turn's work is done (after the read batch, or from a posted
//   flush) — one syscall per connection per turn, not one per message.
// - The session learns that a write is done (SessionCore's one write in flight) as soon as its
//   bytes are in that buffer while the buffer holds less than `write_high_water`; past that, once
//   the kernel has taken enough. So a slow reader backs up into the session's bounded queue.
//
// Closing. Once the transport closes (the session closed it, a close frame arrived, the client
// broke the protocol) it reads nothing more for the session and writes only what was queued
// before, then the close frame. The whole close — flushing, the close handshake, the TCP teardown
// — gets `websocket.close_linger`; then the socket is reset. Without that bound a client that
// stopped reading (so the close frame is never sent) or that never answers it would keep the
// connection and its kernel send queue. The reads of the close handshake (looking for the
// client's close frame, discarding the rest) get a byte budget, so a client that floods instead
// of answering is left unread, not read and discarded for the whole linger.
#include "ws_transport.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <sys/socket.h>

#include <cerrno>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/sha1.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/ssl.hpp>

#include "engineio/protocol/base64.hpp"
#include "engineio/protocol/websocket.hpp"
#include "socket_internals.hpp"

namespace engineio::detail {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
namespace wsp = protocol::ws;
using tcp = net::ip::tcp;

/// Bytes framed but not yet taken by the kernel up to which the session may hand over more at
/// once; beyond it the session's next write waits for the kernel (its own queue is bounded).
constexpr std::size_t write_high_water = 64 * 1024;
/// Most bytes one readiness of a plain socket reads before the loop serves others.
constexpr std::size_t read_chunk = 64 * 1024;
constexpr int read_rounds = 4;
/// Messages at least this large are compressed when permessage-deflate is on (as `ws` and
/// engine.io's perMessageDeflate.threshold).
constexpr std::size_t deflate_threshold = 1024;

/// What one more message and the close frame after it take: once the transport closes, the
/// close handshake may read this much more, then reads stop.
std::size_t close_read_budget(const ServerOptions& options) {
    return options.limits.max_payload + 64 * 1024;
}

/// A new write buffer holds at least this much, so every spare fits the usual frame.
constexpr std::size_t min_write_buffer = 256;
/// What the spare write buffers of one loop may hold in all, and the largest one kept.
constexpr std::size_t max_spare_write_bytes = 1024 * 1024;
constexpr std::size_t max_spare_write_buffer = 64 * 1024;

/// Per loop thread: the buffer plain reads land in (frames are parsed in place; the start of an
/// incomplete frame is copied to its connection) and spare write buffers, so neither an idle
/// connection nor a busy one allocates per turn.
struct LoopBuffers {
    std::unique_ptr<char[]> read{new char[read_chunk]};
    bool read_in_use = false;
    std::vector<std::string> spare_writes;
    std::size_t spare_write_bytes = 0;
    std::string base64;    // the b64 text form of a binary message being framed
    std::string deflated;  // the compressed form of a message being framed
};
LoopBuffers& loop_buffers() {
    thread_local LoopBuffers buffers;
    return buffers;
}

/// An empty string's own capacity (its inline buffer): a string with no more has no heap memory.
const std::size_t inline_capacity = std::string().capacity();

void take_spare(std::string& buffer) {
    if (buffer.capacity() > inline_capacity) return;
    auto& buffers = loop_buffers();
    auto& spares = buffers.spare_writes;
    // (A few bytes already framed stay: the buffer grows in place.)
    if (spares.empty() || !buffer.empty()) return buffer.reserve(min_write_buffer);
    buffer = std::move(spares.back());
    spares.pop_back();
    buffers.spare_write_bytes -= buffer.capacity();
}

/// Empties `buffer`, keeping its memory for another connection of this loop (or freeing it). A
/// broadcast frames one message for each of the loop's connections before any is written, so the
/// spares are many small buffers: up to max_spare_write_bytes in all (1 MiB a loop).
void give_back(std::string& buffer) {
    buffer.clear();
    auto& buffers = loop_buffers();
    const std::size_t capacity = buffer.capacity();
    if (capacity >= min_write_buffer && capacity <= max_spare_write_buffer &&
        buffers.spare_write_bytes + capacity <= max_spare_write_bytes) {
        buffers.spare_write_bytes += capacity;
        buffers.spare_writes.push_back(std::move(buffer));
    }
    std::string().swap(buffer);
}

/// Memory for the read wait every idle connection has pending. Asio's own recycling allocator
/// asks malloc for the operation's size plus a tag byte, rounded up to 16: 112 bytes for this
/// 96-byte operation, a 128-byte block. This one asks for the size itself (a 112-byte block)
/// and, as Asio's does, keeps a few freed blocks per thread, so re-arming after each read
/// allocates nothing.
class WaitMemory {
  public:
    static void* allocate(std::size_t size) {
        Cache& cache = cache_of_thread();
        if (size == cache.size && cache.count > 0) return cache.blocks[--cache.count];
        return ::operator new(size);
    }
    static void deallocate(void* block, std::size_t size) noexcept {
        Cache& cache = cache_of_thread();
        if (cache.size == 0) cache.size = size;
        if (size == cache.size && cache.count < cache.blocks.size()) {
            cache.blocks[cache.count++] = block;
            return;
        }
        ::operator delete(block);
    }

  private:
    struct Cache {
        std::size_t size = 0;  // the one size kept (every wait operation has the same)
        std::array<void*, 16> blocks{};
        std::size_t count = 0;
        ~Cache() {
            for (std::size_t i = 0; i < count; ++i) ::operator delete(blocks[i]);
        }
    };
    static Cache& cache_of_thread() {
        thread_local Cache cache;
        return cache;
    }
};

template <class T>
struct WaitAllocator {
    using value_type = T;
    WaitAllocator() noexcept = default;
    template <class U>
    WaitAllocator(const WaitAllocator<U>&) noexcept {}  // NOLINT: converting, as allocators do
    T* allocate(std::size_t n) { return static_cast<T*>(WaitMemory::allocate(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept { WaitMemory::deallocate(p, n * sizeof(T)); }
    template <class U>
    bool operator==(const WaitAllocator<U>&) const noexcept {
        return true;
    }
};

using LoopState = Core::LoopState;

/// The task that writes the connections a loop queued in a turn. Destroyed unrun (the loop is
/// destroyed first), it lets go of them: they must not outlive their loop.
class FlushTask {
  public:
    FlushTask(std::shared_ptr<Core> core, LoopState& loop) : core_(std::move(core)), loop_(&loop) {}
    FlushTask(FlushTask&& other) noexcept
        : core_(std::move(other.core_)), loop_(std::exchange(other.loop_, nullptr)) {}
    FlushTask& operator=(FlushTask&&) = delete;
    ~FlushTask() {
        if (!loop_) return;
        loop_->flush_posted = false;
        loop_->flushes.clear();
    }

    void operator()() {
        LoopState& loop = *std::exchange(loop_, nullptr);
        const auto core = std::move(core_);  // keeps `loop` alive
        loop.flush_posted = false;
        std::vector<LoopState::PendingFlush> batch = std::move(loop.flushing);
        batch.swap(loop.flushes);
        std::size_t next = 0;
        struct Guard {  // if a flush throws, the rest of the batch is written by another task
            const std::shared_ptr<Core>& core;
            LoopState& loop;
            std::vector<LoopState::PendingFlush>& batch;
            std::size_t& next;
            ~Guard() {
                if (next < batch.size()) {
                    loop.flushes.insert(loop.flushes.begin(),
                                        std::make_move_iterator(batch.begin() + next),
                                        std::make_move_iterator(batch.end()));
                    if (!loop.flush_posted) {
                        loop.flush_posted = true;
                        net::post(loop.context->get_executor(), FlushTask(core, loop));
                    }
                }
                batch.clear();
                if (loop.flushing.capacity() == 0) loop.flushing = std::move(batch);
            }
        } guard{core, loop, batch, next};
        while (next < batch.size()) {
            LoopState::PendingFlush& flush = batch[next++];
            flush.run(*flush.transport);
        }
    }

  private:
    std::shared_ptr<Core> core_;
    LoopState* loop_;
};

/// The state of the loop whose io_context is `context` (null if none of the server's is).
LoopState* loop_state_of(Core& core, const net::io_context* context) {
    if (!context) return nullptr;
    for (const auto& state : core.loop_states) {
        if (state->context == context) return state.get();
    }
    return nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// True if the comma-separated header value lists `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        const auto comma = value.find(',');
        auto item = value.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

/// Sec-WebSocket-Accept: base64(SHA-1(key + the RFC 6455 GUID)). Beast's SHA-1 (the one its own
/// WebSocket handshake uses), not OpenSSL's: OpenSSL 3 loads its configuration and providers on
/// the first digest, 2 MB of resident library pages and heap in a server that has no TLS.
std::string accept_key(std::string_view key) {
    static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    beast::detail::sha1_context context;
    beast::detail::init(context);
    beast::detail::update(context, key.data(), key.size());
    beast::detail::update(context, guid.data(), guid.size());
    char digest[beast::detail::sha1_context::digest_size];
    beast::detail::finish(context, digest);
    return protocol::base64_encode(std::string_view(digest, sizeof digest));
}

/// Why a WebSocket handshake request is refused (RFC 6455 §4.2.1), or nothing if it is fine.
struct HandshakeRefusal {
    http::status status = http::status::bad_request;
    std::string_view reason;
};
std::optional<HandshakeRefusal> check_handshake(const StringRequest& req) {
    if (req.version() < 11) return HandshakeRefusal{.reason = "HTTP/1.1 required"};
    if (req.method() != http::verb::get) return HandshakeRefusal{.reason = "GET required"};
    if (req.find(http::field::host) == req.end()) return HandshakeRefusal{.reason = "no Host"};
    if (!has_token(req[http::field::connection], "upgrade"))
        return HandshakeRefusal{.reason = "Connection has no upgrade token"};
    if (!has_token(req[http::field::upgrade], "websocket"))
        return HandshakeRefusal{.reason = "Upgrade is not websocket"};
    const auto key = req[http::field::sec_websocket_key];
    const auto decoded = protocol::base64_decode(std::string_view(key.data(), key.size()));
    if (!decoded || decoded->size() != 16)
        return HandshakeRefusal{.reason = "bad Sec-WebSocket-Key"};
    if (req[http::field::sec_websocket_version] != "13")
        return HandshakeRefusal{.status = http::status::upgrade_required,
                                .reason = "Sec-WebSocket-Version 13 required"};
    return std::nullopt;
}

std::string joined_extensions(const StringRequest& req) {
    std::string joined;
    const auto [first, last] = req.equal_range(http::field::sec_websocket_extensions);
    for (auto it = first; it != last; ++it) {
        if (!joined.empty()) joined += ", ";
        joined.append(it->value().data(), it->value().size());
    }
    return joined;
}

template <class Stream>
class WsTransportImpl final : public WsTransport,
                              public std::enable_shared_from_this<WsTransportImpl<Stream>> {
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

  public:
    WsTransportImpl(Stream&& stream, std::shared_ptr<Core> core, bool base64_binary,
                    std::string received)
        : stream_(std::move(stream)),
          core_(std::move(core)),
          loop_(loop_state_of(*core_, loop_of(stream_.get_executor()))),
          reader_({.max_message_size = core_->options.limits.max_payload}),
          in_(std::move(received)),
          base64_binary_(base64_binary) {
        ++core_->live_connections;
        if constexpr (!tls) {
            // Reads and writes call recv/send on the descriptor directly: it must not block.
            // (Asio made it non-blocking for the HTTP connection's reads already: no syscall.)
            boost::system::error_code ignored;
            if (!stream_.native_non_blocking()) stream_.native_non_blocking(true, ignored);
        }
    }
    ~WsTransportImpl() override { --core_->live_connections; }

    Executor executor() override { return stream_.get_executor(); }

    void accept(std::shared_ptr<const StringRequest> req, std::string set_cookie,
                std::function<void(const boost::system::error_code&)> done) override {
        if constexpr (tls) beast::get_lowest_layer(stream_).expires_never();
        take_spare(out_);
        if (const auto refusal = check_handshake(*req)) {
            core_->client_error_log.info("WebSocket handshake from {} refused: {}", remote(),
                                         refusal->reason);
            const auto body =
                std::string("Bad WebSocket handshake: ") + std::string(refusal->reason);
            out_ = fmt::format(
                "HTTP/1.1 {} {}\r\nServer: socketio-cpp\r\nConnection: close\r\n{}"
                "Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n{}",
                static_cast<unsigned>(refusal->status), http::obsolete_reason(refusal->status),
                refusal->status == http::status::upgrade_required ? "Sec-WebSocket-Version: 13\r\n"
                                                                  : "",
                body.size(), body);
            begin_closing();
            read_mode_ = ReadMode::stopped;  // no WebSocket: nothing to parse
            close_sent_ = true;
            close_when_written_ = true;
            write_out();
            done(boost::system::errc::make_error_code(boost::system::errc::protocol_error));
            return;
        }
        std::optional<wsp::DeflateParams> deflate;
        if (core_->options.websocket.compression) {
            deflate = wsp::negotiate_deflate(joined_extensions(*req));
        }
        if (deflate) {
            reader_ = wsp::FrameReader(
                {.max_message_size = core_->options.limits.max_payload, .deflate = deflate});
            deflater_ = std::make_unique<wsp::MessageDeflater>(*deflate);
        }
        const auto key = (*req)[http::field::sec_websocket_key];
        out_ +=
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: ";
        out_ += accept_key(std::string_view(key.data(), key.size()));
        out_ += "\r\nServer: socketio-cpp\r\n";
        if (!set_cookie.empty()) out_ += "Set-Cookie: " + set_cookie + "\r\n";
        if (deflate)
            out_ += "Sec-WebSocket-Extensions: " + wsp::format_deflate_response(*deflate) + "\r\n";
        out_ += "\r\n";
        // Written with whatever the session queues next (its OPEN packet): one write.
        schedule_flush();
        done({});
    }

    void start(std::shared_ptr<SessionImpl> session) override {
        // Decided here, on the session's loop, before anything is posted: write() and close()
        // come from that loop and read it there.
        same_loop_ = session->executor() == Executor(stream_.get_executor());
        net::dispatch(executor(), [self = this->shared_from_this(), session = std::move(session)] {
            self->session_ = session;
            if (!self->in_.empty()) {
                // Bytes that came right behind the handshake request.
                self->batching_ = true;
                self->process_input();
                self->end_batch();
            }
            self->arm_read();
        });
    }

    void write(std::vector<OutPacket>& packets) override {
        if (same_loop_) {
            append(packets);
            packets.clear();
            return;
        }
        net::dispatch(executor(), [self = this->shared_from_this(),
                                   p = std::move(packets)]() mutable { self->append(p); });
        packets.clear();
    }

    void write(const OutPacket& packet) override {
        if (same_loop_) {
            if (closing_) return;
            take_spare(out_);
            append_message(packet);
            unacknowledged_ = true;
            return schedule_flush();
        }
        net::dispatch(executor(), [self = this->shared_from_this(), packet] {
            std::vector<OutPacket> packets{packet};
            self->append(packets);
        });
    }

    void close(websocket::close_code code) override {
        if (same_loop_) return close_with(static_cast<std::uint16_t>(code));
        net::dispatch(executor(), [self = this->shared_from_this(), code] {
            self->close_with(static_cast<std::uint16_t>(code));
        });
    }

    void shutdown() override { close(websocket::close_code::going_away); }

  private:
    static net::io_context* loop_of(const Executor& executor) {
        const auto* io = executor.target<net::io_context::executor_type>();
        return io ? &io->context() : nullptr;
    }

    auto& socket() { return beast::get_lowest_layer(stream_); }
    bool socket_open() {
        if constexpr (tls) {
            return socket().socket().is_open();
        } else {
            return stream_.is_open();
        }
    }
    LoopSocket& raw_socket() {
        if constexpr (tls) {
            return socket().socket();
        } else {
            return stream_;
        }
    }

    std::string remote() {
        boost::system::error_code ec;
        const auto endpoint = raw_socket().remote_endpoint(ec);
        return ec ? std::string("?") : endpoint.address().to_string();
    }

    // --- plain TCP: the syscalls themselves ---------------------------------------------------
    // recv/send on the non-blocking descriptor, without Asio's synchronous operations around
    // them (they are only called when the socket is known to be open).

    std::size_t receive_some(char* data, std::size_t size, boost::system::error_code& ec) {
        for (;;) {
            const ssize_t n = ::recv(raw_socket().native_handle(), data, size, 0);
            if (n > 0) return static_cast<std::size_t>(n);
            if (n == 0) {
                ec = net::error::eof;
                return 0;
            }
            if (errno == EINTR) continue;
            ec.assign(errno, boost::system::system_category());
            return 0;
        }
    }

    std::size_t send_some(const char* data, std::size_t size, boost::system::error_code& ec) {
        for (;;) {
            const ssize_t n = ::send(raw_socket().native_handle(), data, size, MSG_NOSIGNAL);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            ec.assign(errno, boost::system::system_category());
            return 0;
        }
    }

    // --- writing ----------------------------------------------------------------------------

    std::size_t unwritten() const noexcept {
        if constexpr (tls) {
            return out_.size() - out_sent_ + sending_.size();
        } else {
            return out_.size() - out_sent_;
        }
    }

    void append(std::vector<OutPacket>& packets) {
        if (closing_) return;  // nothing new once closing; the session is closed too
        take_spare(out_);
        for (const OutPacket& packet : packets) append_message(packet);
        unacknowledged_ = true;
        schedule_flush();
    }

    void append_message(const OutPacket& packet) {
        const std::string& data = *packet.data;
        if (packet.type == protocol::PacketType::message && packet.binary) {
            if (base64_binary_) {
                auto& text = loop_buffers().base64;
                text.assign(1, 'b');
                protocol::base64_encode(data, text);
                const std::array<std::string_view, 1> parts{text};
                return append_frame(wsp::Opcode::text, parts);
            }
            const std::array<std::string_view, 1> parts{data};
            return append_frame(wsp::Opcode::binary, parts);
        }
        const char type = protocol::type_char(packet.type);
        const std::array<std::string_view, 2> parts{std::string_view(&type, 1), data};
        append_frame(wsp::Opcode::text, parts);
    }

    void append_frame(wsp::Opcode opcode, std::span<const std::string_view> parts) {
        std::size_t size = 0;
        for (const auto part : parts) size += part.size();
        if (deflater_ && size >= deflate_threshold) {
            auto& compressed = loop_buffers().deflated;
            compressed.clear();
            deflater_->compress(parts, compressed);
            wsp::append_frame_header(out_, opcode, compressed.size(), /*rsv1=*/true);
            out_ += compressed;
            return;
        }
        wsp::append_frame_header(out_, opcode, size);
        for (const auto part : parts) out_.append(part);
    }

    /// Writes at the end of this loop turn's work — after the read batch or the acknowledgement
    /// in progress, or from a posted flush — so what the turn queues goes out together. On one of
    /// the server's loops, one task writes every connection queued in the turn (a broadcast
    /// queues all of the loop's): no task, and so no allocation, per connection.
    void schedule_flush() {
        if (flush_posted_ || batching_) return;
        flush_posted_ = true;
        if (loop_ && loop_->context->get_executor().running_in_this_thread()) {
            loop_->flushes.push_back({this->shared_from_this(), &WsTransportImpl::run_flush});
            if (!loop_->flush_posted) {
                loop_->flush_posted = true;
                net::post(loop_->context->get_executor(), FlushTask(core_, *loop_));
            }
            return;
        }
        net::post(executor(), [self = this->shared_from_this()] { run_flush(*self); });
    }

    static void run_flush(WsTransport& transport) {
        auto& self = static_cast<WsTransportImpl&>(transport);
        self.flush_posted_ = false;
        self.acknowledge();
        self.write_out();
    }

    /// Tells the session its write is taken while the buffer is below the high-water mark; the
    /// session may then hand over what it queued meanwhile (appended now, written with the rest
    /// by the caller's write_out()).
    void acknowledge() {
        const bool was_batching = batching_;
        batching_ = true;
        while (unacknowledged_ && unwritten() <= write_high_water && session_) {
            unacknowledged_ = false;
            if (same_loop_) {
                session_->on_ws_write_done(this, true);
            } else {
                net::dispatch(session_->executor(),
                              [self = this->shared_from_this(), session = session_] {
                                  session->on_ws_write_done(self.get(), true);
                              });
            }
        }
        batching_ = was_batching;
    }

    void write_out() {
        if (write_blocked_ || !socket_open()) return;
        if constexpr (tls) {
            if (out_.empty()) return after_written();
            sending_.swap(out_);
            write_blocked_ = true;
            net::async_write(stream_, net::buffer(sending_),
                             [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                               std::size_t) {
                                 self->write_blocked_ = false;
                                 give_back(self->sending_);
                                 if (ec) return self->on_write_failed(ec);
                                 self->acknowledge();
                                 self->write_out();
                             });
        } else {
            while (out_sent_ < out_.size()) {
                boost::system::error_code ec;
                const std::size_t n =
                    send_some(out_.data() + out_sent_, out_.size() - out_sent_, ec);
                if (ec == net::error::would_block || ec == net::error::try_again) {
                    // The kernel's buffer is full: go on once the socket is writable again. What
                    // is left may be under the high-water mark now: the session may go on.
                    write_blocked_ = true;
                    acknowledge();
                    stream_.async_wait(
                        tcp::socket::wait_write,
                        [self = this->shared_from_this()](const boost::system::error_code& ec) {
                            self->write_blocked_ = false;
                            if (ec) return self->on_write_failed(ec);
                            self->write_out();
                        });
                    return;
                }
                if (ec) return on_write_failed(ec);
                out_sent_ += n;
                if (out_sent_ == out_.size()) {
                    out_sent_ = 0;
                    give_back(out_);
                    // All written: a session that waited for room hands over what it queued
                    // meanwhile (appended to out_, written by this loop).
                    acknowledge();
                }
            }
            after_written();
        }
    }

    /// Everything framed so far is with the kernel.
    void after_written() {
        if (!close_when_written_ || unwritten() != 0) return;
        close_when_written_ = false;
        // Our close frame (or the refusal of the handshake) is out. If the client's close frame
        // came already, or nothing more can be parsed, the TCP connection ends now; otherwise
        // reading goes on for the client's close frame.
        if (read_mode_ == ReadMode::stopped) teardown();
    }

    void on_write_failed(const boost::system::error_code& ec) {
        if (ec == net::error::operation_aborted && !socket_open()) return;
        // The connection is gone: nothing more will be written or read.
        fail(/*error=*/true);
    }

    // --- reading ----------------------------------------------------------------------------

    enum class ReadMode : std::uint8_t {
        deliver,     ///< messages go to the session
        seek_close,  ///< closing: frames are parsed only to find the client's close frame
        drain,       ///< our side is shut down: bytes are read and dropped until the client's EOF
        stopped,     ///< nothing is read
    };

    bool reads_wanted() const noexcept {
        if (paused_) return false;
        switch (read_mode_) {
            case ReadMode::deliver:
                return true;
            case ReadMode::seek_close:
            case ReadMode::drain:
                return close_budget_ > 0;
            case ReadMode::stopped:
                return false;
        }
        return false;
    }

    /// The completion of a plain connection's read wait (a named type, to give it its allocator).
    struct ReadReady {
        std::shared_ptr<WsTransportImpl> self;
        using allocator_type = WaitAllocator<void>;
        allocator_type get_allocator() const noexcept { return {}; }
        void operator()(const boost::system::error_code& ec) const {
            self->read_armed_ = false;
            if (ec) return self->on_read_failed(ec);
            self->read_available();
        }
    };

    /// `drained`: the socket's receive queue was emptied by a recv of this handler (see
    /// async_wait_readable_drained).
    void arm_read(bool drained = false) {
        if (read_armed_ || !reads_wanted() || !socket_open()) return;
        read_armed_ = true;
        if constexpr (tls) {
            const std::size_t old = in_.size();
            in_.resize(old + 16 * 1024);
            stream_.async_read_some(net::buffer(in_.data() + old, 16 * 1024),
                                    [self = this->shared_from_this(), old](
                                        const boost::system::error_code& ec, std::size_t n) {
                                        self->read_armed_ = false;
                                        self->in_.resize(old + n);
                                        if (ec) return self->on_read_failed(ec);
                                        self->spend_budget(n);
                                        self->batching_ = true;
                                        self->process_input();
                                        self->end_batch();
                                        self->arm_read();
                                    });
        } else if (drained) {
            async_wait_readable_drained(stream_, ReadReady{this->shared_from_this()});
        } else {
            stream_.async_wait(tcp::socket::wait_read, ReadReady{this->shared_from_this()});
        }
    }

    /// Plain TCP: reads what the socket has (up to a few chunks), handing each chunk's messages
    /// on before reading the next; then writes what that produced.
    void read_available() {
        auto& buffers = loop_buffers();
        batching_ = true;
        bool drained = false;  // a recv found the socket empty (or emptied it)
        for (int round = 0; round < read_rounds && reads_wanted(); ++round) {
            // The loop's buffer, unless a delivery re-entered a read on this thread: then a
            // buffer of this connection's own.
            std::unique_ptr<char[]> own;
            char* chunk = buffers.read.get();
            if (buffers.read_in_use) {
                own.reset(new char[read_chunk]);
                chunk = own.get();
            }
            boost::system::error_code ec;
            const std::size_t n = receive_some(chunk, read_chunk, ec);
            if (ec == net::error::would_block || ec == net::error::try_again) {
                drained = true;
                break;
            }
            if (ec) {
                end_batch();
                return on_read_failed(ec);
            }
            spend_budget(n);
            if (read_mode_ == ReadMode::drain) continue;  // dropped
            const bool was_in_use = buffers.read_in_use;
            buffers.read_in_use = true;
            if (in_.empty()) {
                process(std::span<char>(chunk, n), /*owned=*/false);
            } else {
                in_.append(chunk, n);
                process_input();
            }
            buffers.read_in_use = was_in_use;
            if (n < read_chunk) {
                drained = true;
                break;
            }
        }
        end_batch();
        arm_read(drained);
    }

    void spend_budget(std::size_t n) {
        if (read_mode_ != ReadMode::deliver) {
            close_budget_ -= static_cast<std::uint32_t>(std::min<std::size_t>(n, close_budget_));
        }
    }

    void process_input() {
        if (read_mode_ == ReadMode::drain) return in_.clear();
        process(std::span<char>(in_.data(), in_.size()), /*owned=*/true);
    }

    /// Parses `data` (in_, or the loop's buffer) and hands on every event; keeps the start of an
    /// incomplete frame in in_.
    void process(std::span<char> data, bool owned) {
        while (!data.empty() &&
               (read_mode_ == ReadMode::deliver || read_mode_ == ReadMode::seek_close)) {
            wsp::FrameReader::Event event;
            const std::size_t used = reader_.parse(data, event);
            data = data.subspan(used);
            if (event.kind == wsp::FrameReader::Event::Kind::none) {
                if (used == 0) break;
                continue;
            }
            on_event(event);
        }
        if (read_mode_ != ReadMode::deliver && read_mode_ != ReadMode::seek_close) data = {};
        if (owned) {
            in_.erase(0, in_.size() - data.size());
        } else {
            in_.assign(data.data(), data.size());
        }
        if (in_.empty()) {
            // An idle connection holds no read buffer, nor the reader the one it assembled a
            // fragmented or compressed message in (up to limits.max_payload).
            std::string().swap(in_);
            if (reader_.buffered() == 0) reader_.shrink();
        }
    }

    /// The batch (a read, and what it delivered) is over: hand deliveries to another loop, let
    /// the session hand over what it queued, write it all.
    void end_batch() {
        if (pending_deliveries_ && !pending_deliveries_->empty()) post_deliveries();
        acknowledge();
        batching_ = false;
        write_out();
    }

    void on_event(const wsp::FrameReader::Event& event) {
        using Kind = wsp::FrameReader::Event::Kind;
        switch (event.kind) {
            case Kind::text:
            case Kind::binary: {
                if (read_mode_ != ReadMode::deliver) return;  // closing: dropped
                if (same_loop_ && session_) {
                    // The hot path: a MESSAGE goes to the session as a view of the read buffer.
                    const auto session = session_;
                    if (event.kind == Kind::binary) {
                        return session->on_ws_message(this, event.payload, true);
                    }
                    if (!event.payload.empty() && event.payload.front() == '4') {
                        return session->on_ws_message(this, event.payload.substr(1), false);
                    }
                }
                protocol::Packet packet;
                bool valid = true;
                if (event.kind == Kind::text) {
                    valid = !protocol::decode_packet(event.payload, packet);
                } else {
                    packet = protocol::decode_binary_frame(event.payload);
                }
                return deliver(std::move(packet), valid);
            }
            case Kind::ping:
                // A client that sends pings but does not read could otherwise grow our buffer
                // without bound: past the high-water mark, pings go unanswered.
                if (close_sent_ || unwritten() > write_high_water) return;
                take_spare(out_);
                wsp::append_frame_header(out_, wsp::Opcode::pong, event.payload.size());
                out_.append(event.payload);
                return schedule_flush();
            case Kind::pong:
            case Kind::none:
                return;
            case Kind::close: {
                const bool answered = close_sent_;
                read_mode_ = ReadMode::stopped;
                if (!answered) {
                    // The client starts the close: answer with its code, end the session.
                    send_close(event.code == wsp::close_code::no_status ? wsp::close_code::normal
                                                                        : event.code);
                    report_closed(/*error=*/false);
                } else if (!close_when_written_) {
                    teardown();  // our close frame is out: the handshake is complete
                }
                return;
            }
            case Kind::error:
                core_->client_error_log.info("WebSocket from {}: {}; closing with {}", remote(),
                                             event.payload, event.code);
                read_mode_ = ReadMode::stopped;  // the reader is broken: no close frame to find
                if (!close_sent_) send_close(event.code);
                if (event.code == wsp::close_code::invalid_payload) {
                    // A text frame that is not UTF-8: an invalid packet, as the same bytes in a
                    // polling POST are (parse_error on both transports).
                    report_invalid();
                } else {
                    report_closed(/*error=*/true);
                }
                if (!close_when_written_) teardown();
                return;
        }
    }

    void deliver(protocol::Packet&& packet, bool valid) {
        if (!session_) return;
        if (same_loop_) {
            if (valid) {
                session_->on_ws_packet(this, std::move(packet));
            } else {
                session_->on_ws_invalid(this);
            }
            return;
        }
        if (!pending_deliveries_) pending_deliveries_ = std::make_unique<Deliveries>();
        pending_deliveries_->emplace_back(std::move(packet), valid);
    }

    /// The session lives on another loop (a TLS connection cannot move there): the batch goes in
    /// one task, and reading waits until it has been handed on, so a slow session slows its
    /// reader instead of queueing messages.
    void post_deliveries() {
        if (!session_) {
            // The session was told the connection closed (a close frame later in the batch):
            // what came before it has no one to go to.
            pending_deliveries_->clear();
            return;
        }
        paused_ = true;
        auto batch = std::move(*pending_deliveries_);
        pending_deliveries_->clear();
        net::dispatch(session_->executor(), [self = this->shared_from_this(), session = session_,
                                             batch = std::move(batch)]() mutable {
            for (auto& [packet, valid] : batch) {
                if (valid) {
                    session->on_ws_packet(self.get(), std::move(packet));
                } else {
                    session->on_ws_invalid(self.get());
                }
            }
            net::dispatch(self->executor(), [self] {
                self->paused_ = false;
                self->arm_read();
            });
        });
    }

    void on_read_failed(const boost::system::error_code& ec) {
        if (ec == net::error::operation_aborted && !socket_open()) return;
        const bool clean = ec == net::error::eof || ec == net::error::operation_aborted;
        if (closing_) {
            // The client ended the connection during the close. After its EOF with everything of
            // ours written, an ordinary close (a reset could still destroy data it has not read);
            // otherwise a reset.
            if (ec == net::error::eof && unwritten() == 0) return close_connection();
            return reset_connection();
        }
        // The client left without a close handshake. With nothing of ours unsent, an ordinary
        // close; otherwise a reset (what it did not read is dropped, not sent after it).
        end_now(/*error=*/!clean, /*reset=*/ec != net::error::eof || unwritten() != 0);
    }

    // --- closing ----------------------------------------------------------------------------

    void close_with(std::uint16_t code) {
        if (closing_) return;
        send_close(code);
    }

    /// Queues the close frame after everything queued before it; the connection ends once the
    /// client answers (or the linger ends it).
    void send_close(std::uint16_t code) {
        begin_closing();
        if (close_sent_ || !socket_open()) return;
        close_sent_ = true;
        take_spare(out_);
        wsp::append_close_frame(out_, code);
        close_when_written_ = true;
        if (batching_) return;  // written when the batch ends
        write_out();
        arm_read();  // to find the client's close frame
    }

    /// From now on nothing is delivered to the session and nothing new is written; the
    /// connection gets the linger to finish, then it is reset.
    void begin_closing() {
        if (closing_) return;
        mark_closing();
        if (!socket_open()) return;
        // Only a closing connection has one: an open one does not carry a timer's ~120 bytes.
        linger_timer_ = std::make_unique<net::steady_timer>(stream_.get_executor());
        linger_timer_->expires_after(core_->options.websocket.close_linger);
        linger_timer_->async_wait([self = this->shared_from_this()](
                                      const boost::system::error_code& ec) {
            if (ec == net::error::operation_aborted) return;
            if (self->socket_open()) {
                logger()->info("WebSocket from {}: close not completed within {} ms; resetting",
                               self->remote(), self->core_->options.websocket.close_linger.count());
            }
            self->reset_connection();
        });
    }

    /// Nothing new is delivered or written from now on (begin_closing() without the linger).
    void mark_closing() {
        closing_ = true;
        if (read_mode_ == ReadMode::deliver) read_mode_ = ReadMode::seek_close;
        close_budget_ = static_cast<std::uint32_t>(std::min<std::size_t>(
            close_read_budget(core_->options), std::numeric_limits<std::uint32_t>::max()));
    }

    /// The close handshake is done (or broken off, or the upgrade was refused and answered): our
    /// side of the TCP connection ends; what the client still sends is read and dropped until it
    /// closes too (closing with unread data would reset the connection and could destroy what we
    /// sent before the client reads it). The linger bounds it.
    void teardown() {
        if (!socket_open()) return;
        if constexpr (tls) {
            read_mode_ = ReadMode::stopped;
            stream_.async_shutdown(
                [self = this->shared_from_this()](const boost::system::error_code&) {
                    self->reset_connection();
                });
        } else {
            boost::system::error_code ignored;
            stream_.shutdown(tcp::socket::shutdown_send, ignored);
            read_mode_ = ReadMode::drain;
            in_.clear();
            arm_read();
        }
    }

    /// Closes the TCP connection in order (the close handshake and both ends' EOF are done).
    void close_connection() {
        if (linger_timer_) linger_timer_->cancel();
        read_mode_ = ReadMode::stopped;
        boost::system::error_code ignored;
        raw_socket().close(ignored);
    }

    /// Closes the TCP connection at once, dropping what the kernel still holds to send: an
    /// abortive close (RST), so a peer that stopped reading does not keep megabytes queued in
    /// the kernel either. Pending operations complete with operation_aborted.
    void reset_connection() {
        if (linger_timer_) linger_timer_->cancel();
        read_mode_ = ReadMode::stopped;
        out_.clear();
        out_sent_ = 0;
        if (!socket_open()) return;
        boost::system::error_code ignored;
        raw_socket().set_option(net::socket_base::linger(true, 0), ignored);
        raw_socket().close(ignored);
    }

    /// The connection failed: it is reset and the session told, once.
    void fail(bool error) { end_now(error, /*reset=*/true); }

    /// Ends the connection at once (no close handshake, so no linger: no timer to arm and
    /// cancel), reset or closed in order, and tells the session, once.
    void end_now(bool error, bool reset) {
        if (!closing_) mark_closing();
        if (reset) {
            reset_connection();
        } else {
            close_connection();
        }
        report_closed(error);
    }

    void report_closed(bool error) {
        auto session = std::move(session_);
        session_.reset();
        if (!session) return;
        if (same_loop_) return session->on_ws_closed(this, error);
        net::dispatch(session->executor(), [self = this->shared_from_this(), session, error] {
            session->on_ws_closed(self.get(), error);
        });
    }

    void report_invalid() {
        auto session = std::move(session_);
        session_.reset();
        if (!session) return;
        if (same_loop_) return session->on_ws_invalid(this);
        net::dispatch(session->executor(), [self = this->shared_from_this(), session] {
            session->on_ws_invalid(self.get());
        });
    }

    Stream stream_;
    std::shared_ptr<Core> core_;
    LoopState* const loop_;  // the connection's loop (null if not one of the server's)
    wsp::FrameReader reader_;
    std::unique_ptr<wsp::MessageDeflater> deflater_;  // permessage-deflate was agreed
    std::string in_;   // received, not yet consumed: the start of an incomplete frame
    std::string out_;  // framed, not yet written (plain: from out_sent_ on)
    std::size_t out_sent_ = 0;
    struct NoBuffer {};
    /// TLS: the write in flight (a plain connection writes from out_ and has none).
    [[no_unique_address]] std::conditional_t<tls, std::string, NoBuffer> sending_;
    std::shared_ptr<SessionImpl> session_;  // its executor() is where calls to it go
    // Packets read for a session on another loop (TLS), allocated by the first: a plain
    // connection moves to its session's loop unless that fails.
    using Deliveries = std::vector<std::pair<protocol::Packet, bool>>;
    std::unique_ptr<Deliveries> pending_deliveries_;
    ReadMode read_mode_ = ReadMode::deliver;
    bool batching_ = false;  // a read batch or an acknowledgement is running: write after it
    bool flush_posted_ = false;
    bool write_blocked_ = false;   // a write waits for the socket (TLS: a write is in flight)
    bool unacknowledged_ = false;  // the session waits for on_ws_write_done
    bool read_armed_ = false;
    bool paused_ = false;  // deliveries to another loop in flight
    bool closing_ = false;
    bool close_sent_ = false;
    bool close_when_written_ = false;  // once out_ is written: teardown if reading has stopped
    bool same_loop_ = false;  // the session runs on this connection's loop: calls are direct
    const bool base64_binary_;
    // Bytes the close may still read (32 bits: it sits in the flags' padding; the budget is
    // capped at 4 GiB, far past any real close handshake).
    std::uint32_t close_budget_ = 0;
    std::unique_ptr<net::steady_timer> linger_timer_;  // once closing: resets the connection at
                                                       // its end
};

}  // namespace

std::shared_ptr<WsTransport> make_ws_transport(PlainStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary, std::string received) {
    return std::make_shared<WsTransportImpl<LoopSocket>>(stream.release_socket(), std::move(core),
                                                         base64_binary, std::move(received));
}

std::shared_ptr<WsTransport> make_ws_transport(TlsStream&& stream, std::shared_ptr<Core> core,
                                               bool base64_binary, std::string received) {
    return std::make_shared<WsTransportImpl<TlsStream>>(std::move(stream), std::move(core),
                                                        base64_binary, std::move(received));
}

}  // namespace engineio::detail
