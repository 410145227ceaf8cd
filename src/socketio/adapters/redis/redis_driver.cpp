// The Redis pub/sub driver: two connections (commands, subscriptions) on Asio, RESP through
// hiredis's encoder and parser, reconnect with backoff, a bounded outgoing queue.
//
// Everything but the public entry points runs on one strand. The entry points touch only the
// outgoing queue (under its mutex), atomics, and post the rest to the strand. The handlers run
// on the strand under `handler_mutex_`, which close() takes to flip `handlers_closed_`: once
// close() has returned, no handler is running and none will start.

#include <hiredis/hiredis.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common/rate_limited_log.hpp"
#include "socketio/adapters/redis/redis_url.hpp"
#include "socketio/adapters/redis/reply_reader.hpp"
#include "socketio/redis.hpp"

namespace socketio {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol::socket;
using Clock = std::chrono::steady_clock;
using boost_error = boost::system::error_code;  // what Asio reports
using Strand = asio::strand<asio::any_io_executor>;
using redis_detail::RedisEndpoint;
using redis_detail::Reply;
using redis_detail::ReplyReader;

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk_bytes = 64 * 1024;

std::shared_ptr<spdlog::logger> redis_logger() {
    // The "socketio" logger the server creates; a driver used without a server (the Emitter)
    // creates it the same way (stderr, warn).
    auto logger = spdlog::get("socketio");
    if (!logger) {
        try {
            logger = spdlog::stderr_color_mt("socketio");
            logger->set_level(spdlog::level::warn);
        } catch (const spdlog::spdlog_ex&) {
            logger = spdlog::get("socketio");  // another thread registered it meanwhile
        }
    }
    return logger;
}

class RedisErrorCategory : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio.redis"; }
    std::string message(int value) const override {
        switch (static_cast<redis_error>(value)) {
            case redis_error::invalid_url:
                return "invalid Redis URL";
            case redis_error::connect_timeout:
                return "connect timeout";
            case redis_error::auth_failed:
                return "AUTH or SELECT refused";
            case redis_error::protocol_error:
                return "Redis protocol error";
            case redis_error::message_too_large:
                return "reply over max_incoming_message_bytes";
            case redis_error::health_check_failed:
                return "no answer to PING";
            case redis_error::unexpected_reply:
                return "unexpected reply";
            case redis_error::connection_closed:
                return "connection closed by the server";
        }
        return "unknown Redis driver error";
    }
};

// One connection to Redis: a TCP, TLS or Unix socket, its reply parser, its writes. Driven by the
// driver on its strand.
class Link : public std::enable_shared_from_this<Link> {
  public:
    enum class Role { commands, subscriptions };

    Link(Strand strand, Role role, std::size_t max_reply_bytes)
        : strand_(strand), role_(role), reader_(max_reply_bytes), watchdog_(strand) {}

    Role role() const noexcept { return role_; }
    bool closed() const noexcept { return closed_; }

    // Connects, handshakes and authenticates within `timeout`; an error otherwise.
    asio::awaitable<std::error_code> open(const RedisEndpoint& endpoint, ssl::context* tls,
                                          const RedisOptions& options) {
        auto self = shared_from_this();
        opening_ = true;
        watchdog_.expires_after(options.connect_timeout);
        watchdog_.async_wait([self](boost_error ec) {
            if (ec || !self->opening_ || self->closed_) return;
            self->timed_out_ = true;
            self->close();
        });
        std::error_code ec = co_await connect(endpoint, tls, options);
        if (!ec) ec = co_await authenticate(endpoint);
        opening_ = false;
        watchdog_.cancel();
        if (timed_out_) co_return make_error_code(redis_error::connect_timeout);
        if (!ec && closed_) ec = std::make_error_code(std::errc::operation_canceled);
        co_return ec;
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        boost_error ignored;
        watchdog_.cancel();
        if (resolver_) resolver_->cancel();
        if (tcp_) tcp_->close(ignored);
        if (tls_) tls_->lowest_layer().close(ignored);
        if (unix_) unix_->close(ignored);
    }

    asio::awaitable<std::tuple<boost_error, std::size_t>> read_some(asio::mutable_buffer into) {
        if (tls_) co_return co_await tls_->async_read_some(into, awaitable_tuple);
        if (tcp_) co_return co_await tcp_->async_read_some(into, awaitable_tuple);
        co_return co_await unix_->async_read_some(into, awaitable_tuple);
    }

    template <class Token>
    auto write(asio::const_buffer bytes, Token&& token) {
        if (tls_) return asio::async_write(*tls_, bytes, std::forward<Token>(token));
        if (tcp_) return asio::async_write(*tcp_, bytes, std::forward<Token>(token));
        return asio::async_write(*unix_, bytes, std::forward<Token>(token));
    }

    // Reads until one whole reply is there (the handshake's; later ones go through the read
    // loop).
    asio::awaitable<std::unique_ptr<Reply>> read_reply(std::error_code& ec) {
        for (;;) {
            auto reply = reader_.next(ec);
            if (reply || ec) co_return reply;
            auto [read_ec, size] = co_await read_some(asio::buffer(read_buffer()));
            if (read_ec) {
                ec = read_ec == asio::error::eof ? make_error_code(redis_error::connection_closed)
                                                 : std::error_code(read_ec);
                co_return nullptr;
            }
            if (!reader_.feed(read_buffer_.data(), size, ec)) co_return nullptr;
        }
    }

    std::vector<char>& read_buffer() {
        if (read_buffer_.empty()) read_buffer_.resize(read_chunk_bytes);
        return read_buffer_;
    }
    ReplyReader& reader() noexcept { return reader_; }

    // Outgoing commands: `pending_` fills while `writing_` is on the wire; one write in flight.
    std::string pending_;
    std::string writing_;
    bool write_in_flight_ = false;
    // Health check: when something last arrived, and when an unanswered PING went out.
    Clock::time_point last_read_ = Clock::now();
    std::optional<Clock::time_point> ping_sent_;

  private:
    asio::awaitable<boost_error> connect(const RedisEndpoint& endpoint, ssl::context* tls,
                                         const RedisOptions& options) {
        if (endpoint.transport == RedisEndpoint::Transport::unix_socket) {
            unix_ = std::make_unique<unix_socket>(strand_);
            auto [ec] = co_await unix_->async_connect(
                asio::local::stream_protocol::endpoint(endpoint.socket_path), awaitable_tuple);
            co_return ec;
        }
        resolver_.emplace(strand_);
        auto [resolve_ec, results] = co_await resolver_->async_resolve(
            endpoint.host, std::to_string(endpoint.port), awaitable_tuple);
        if (resolve_ec) co_return resolve_ec;
        if (closed_) co_return boost_error(asio::error::operation_aborted);
        tcp::socket* socket = nullptr;
        if (endpoint.transport == RedisEndpoint::Transport::tls) {
            tls_ = std::make_unique<ssl::stream<tcp::socket>>(strand_, *tls);
            socket = &tls_->next_layer();
        } else {
            tcp_ = std::make_unique<tcp::socket>(strand_);
            socket = tcp_.get();
        }
        auto [connect_ec, connected] =
            co_await asio::async_connect(*socket, results, awaitable_tuple);
        if (connect_ec) co_return connect_ec;
        if (closed_) co_return boost_error(asio::error::operation_aborted);
        boost_error ignored;
        socket->set_option(tcp::no_delay(true), ignored);
        if (options.tcp_keepalive) socket->set_option(asio::socket_base::keep_alive(true), ignored);
        if (tls_) {
            boost_error address_ec;
            asio::ip::make_address(endpoint.host, address_ec);
            if (address_ec) {  // a name: SNI (an IP address must not be sent as one)
                SSL_set_tlsext_host_name(tls_->native_handle(), endpoint.host.c_str());
            }
            if (options.tls_verify) {
                tls_->set_verify_mode(ssl::verify_peer);
                tls_->set_verify_callback(ssl::host_name_verification(endpoint.host));
            } else {
                tls_->set_verify_mode(ssl::verify_none);
            }
            auto [handshake_ec] =
                co_await tls_->async_handshake(ssl::stream_base::client, awaitable_tuple);
            if (handshake_ec) co_return handshake_ec;
        }
        co_return boost_error{};
    }

    asio::awaitable<std::error_code> command(const std::vector<std::string_view>& args,
                                             const char* what) {
        std::string bytes;
        redis_detail::append_command(bytes, args);
        auto [write_ec, written] = co_await write(asio::buffer(bytes), awaitable_tuple);
        if (write_ec) co_return std::error_code(write_ec);
        std::error_code ec;
        const auto reply = co_await read_reply(ec);
        if (ec) co_return ec;
        if (reply->type == Reply::Type::error) {
            auto log = redis_logger();
            log->warn("redis: {} refused: {}", what, sio::detail::printable(reply->text, 200));
            co_return make_error_code(redis_error::auth_failed);
        }
        co_return std::error_code{};
    }

    asio::awaitable<std::error_code> authenticate(const RedisEndpoint& endpoint) {
        if (endpoint.has_password) {
            std::vector<std::string_view> args{"AUTH"};
            if (!endpoint.user.empty()) args.push_back(endpoint.user);
            args.push_back(endpoint.password);
            if (auto ec = co_await command(args, "AUTH")) co_return ec;
        }
        if (endpoint.db != 0) {
            const std::string db = std::to_string(endpoint.db);
            const std::vector<std::string_view> args{"SELECT", db};
            if (auto ec = co_await command(args, "SELECT")) co_return ec;
        }
        co_return std::error_code{};
    }

    Strand strand_;
    Role role_;
    ReplyReader reader_;
    asio::steady_timer watchdog_;
    std::optional<tcp::resolver> resolver_;
    std::unique_ptr<tcp::socket> tcp_;
    std::unique_ptr<ssl::stream<tcp::socket>> tls_;
    std::unique_ptr<unix_socket> unix_;
    std::vector<char> read_buffer_;
    bool closed_ = false;
    bool opening_ = false;    // open() runs: the watchdog may close the link
    bool timed_out_ = false;  // the watchdog did
};

// What the commands connection's next replies answer, in order.
struct Expected {
    enum class Kind { publish, count_subscribers, ping };
    Kind kind = Kind::publish;
    std::size_t publishes = 0;  // Kind::publish: a run of this many PUBLISH replies
    std::function<void(std::optional<std::size_t>)> done;  // Kind::count_subscribers
};

class RedisDriver : public std::enable_shared_from_this<RedisDriver> {
  public:
    RedisDriver(asio::any_io_executor executor, RedisOptions options, RedisEndpoint endpoint)
        : options_(std::move(options)),
          endpoint_(std::move(endpoint)),
          strand_(asio::make_strand(executor)),
          log_(redis_logger()),
          connect_failures_(log_, "redis connect failure", 1, std::chrono::seconds(30)),
          session_end_(strand_),
          backoff_(strand_),
          health_timer_(strand_),
          random_(std::random_device{}()) {
        if (endpoint_.transport == RedisEndpoint::Transport::tls) {
            tls_context_.emplace(ssl::context::tls_client);
            if (options_.tls_verify) {
                if (options_.tls_ca_file.empty()) {
                    tls_context_->set_default_verify_paths();
                } else {
                    tls_context_->load_verify_file(options_.tls_ca_file);
                }
            }
        }
    }

    void start(Driver::MessageHandler on_message, Driver::StateHandler on_state) {
        {
            std::lock_guard lock(handler_mutex_);
            if (handlers_closed_ || start_called_) return;  // a second start() changes nothing
            start_called_ = true;
            on_message_ = std::move(on_message);
            on_state_ = std::move(on_state);
        }
        asio::post(strand_, [self = shared_from_this()] {
            if (self->started_ || self->closing_) return;
            self->started_ = true;
            asio::co_spawn(self->strand_, self->run(), asio::detached);
        });
    }

    void publish(std::string channel, std::string payload) {
        if (state_.load() == DriverState::closed) return;
        if (channel.size() + payload.size() > options_.max_queued_bytes) {
            // Never fits the queue (and is not worth encoding to find out).
            dropped_.fetch_add(1, std::memory_order_relaxed);
            oversized_.warn("redis: a {} byte message is over max_queued_bytes ({}): dropped",
                            payload.size(), options_.max_queued_bytes);
            return;
        }
        std::string command;
        redis_detail::append_command(command, {"PUBLISH", channel, payload});
        bool post_flush = false;
        {
            std::lock_guard lock(queue_mutex_);
            if (queued_messages_ + 1 > options_.max_queued_messages ||
                queued_.size() + command.size() > options_.max_queued_bytes) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                if (dropped_this_outage_++ == 0) {  // once per outage (or per overflow when
                                                    // connected, rate-limited)
                    queue_full_.warn(
                        "redis: outgoing queue full ({} messages, {} bytes): dropping messages "
                        "until it drains",
                        queued_messages_, queued_.size());
                }
                return;
            }
            queued_ += command;
            ++queued_messages_;
            post_flush = !flush_posted_;
            flush_posted_ = true;
        }
        if (post_flush) asio::post(strand_, [self = shared_from_this()] { self->flush(); });
    }

    void subscribe(std::vector<std::string> channels, bool patterns) {
        asio::post(strand_, [self = shared_from_this(), channels = std::move(channels), patterns] {
            if (!self->options_.subscriber) {
                self->log_->warn("redis: {} ignored: the driver has no subscriber connection",
                                 patterns ? "psubscribe" : "subscribe");
                return;
            }
            auto& remembered = patterns ? self->patterns_ : self->channels_;
            std::vector<std::string_view> fresh;
            for (const auto& channel : channels) {
                if (remembered.insert(channel).second) fresh.push_back(channel);
            }
            if (!fresh.empty() && self->session_up_) self->send_subscribe(fresh, patterns);
        });
    }

    void unsubscribe(std::vector<std::string> channels) {
        asio::post(strand_, [self = shared_from_this(), channels = std::move(channels)] {
            std::vector<std::string_view> gone{"UNSUBSCRIBE"};
            for (const auto& channel : channels) {
                if (self->channels_.erase(channel) > 0) gone.push_back(channel);
            }
            if (gone.size() > 1 && self->session_up_ && self->subscriber_link_) {
                // Remembered subscriptions are the truth for the next reconnect; the replies of
                // UNSUBSCRIBE are only acknowledgements.
                self->write_command(*self->subscriber_link_, gone);
            }
        });
    }

    void count_subscribers(std::string channel,
                           std::function<void(std::optional<std::size_t>)> done) {
        asio::post(strand_, [self = shared_from_this(), channel = std::move(channel),
                             done = std::move(done)]() mutable {
            if (!self->session_up_ || self->closing_) {
                self->call_handler([&] { done(std::nullopt); });
                return;
            }
            self->write_command(*self->command_link_, {"PUBSUB", "NUMSUB", channel});
            self->expected_.push_back({.kind = Expected::Kind::count_subscribers,
                                       .publishes = 0,
                                       .done = std::move(done)});
        });
    }

    DriverState state() const noexcept { return state_.load(); }
    DriverStats stats() const noexcept {
        return {.published = published_.load(std::memory_order_relaxed),
                .dropped = dropped_.load(std::memory_order_relaxed),
                .received = received_.load(std::memory_order_relaxed),
                .reconnects = reconnects_.load(std::memory_order_relaxed)};
    }

    void close() {
        {
            std::lock_guard lock(handler_mutex_);  // waits for a running handler (recursive:
                                                   // close() from inside one is fine)
            if (handlers_closed_) return;
            handlers_closed_ = true;
        }
        state_.store(DriverState::closed);
        // Posted, and the coroutine spawned from the strand: co_spawn from this (any) thread
        // would wrap the strand in an any_io_executor whose reference count Asio drops with a
        // standalone fence, which ThreadSanitizer cannot follow (a false data race report).
        asio::post(strand_, [self = shared_from_this()] {
            asio::co_spawn(self->strand_, self->shutdown(self), asio::detached);
        });
    }

  private:
    template <class F>
    void call_handler(F&& call) {
        std::lock_guard lock(handler_mutex_);
        if (handlers_closed_) return;
        try {
            call();
        } catch (const std::exception& e) {
            log_->error("redis: a driver handler threw: {}", e.what());
        } catch (...) {
            log_->error("redis: a driver handler threw");
        }
    }

    // `announce`: tell the handler even if the state does not change (start() announces
    // `connecting`, which is also the state before it).
    void set_state(DriverState next, bool announce = false) {
        if (closing_) return;
        if (state_.exchange(next) == next && !announce) return;
        call_handler([&] {
            if (on_state_) on_state_(next);
        });
    }

    // The connection loop: open both links, run until one is lost, back off, again.
    asio::awaitable<void> run() {
        auto self = shared_from_this();
        auto delay = options_.reconnect_initial_delay;
        bool ever_connected = false;
        bool first = true;
        while (!closing_) {
            set_state(DriverState::connecting, std::exchange(first, false));
            const std::error_code ec = co_await open_session();
            if (closing_) break;
            if (!ec) {
                if (ever_connected) reconnects_.fetch_add(1, std::memory_order_relaxed);
                ever_connected = true;
                delay = options_.reconnect_initial_delay;
                co_await serve_session();
                if (closing_) break;
            } else {
                connect_failures_.warn("redis: cannot connect to {}: {}", describe_endpoint(),
                                       ec.message());
            }
            end_session();
            set_state(DriverState::disconnected);
            backoff_.expires_after(jittered(delay));
            co_await backoff_.async_wait(awaitable_tuple);
            delay = std::min(delay * 2, options_.reconnect_max_delay);
        }
    }

    asio::awaitable<std::error_code> open_session() {
        command_link_ = std::make_shared<Link>(strand_, Link::Role::commands,
                                               options_.max_incoming_message_bytes);
        auto ec = co_await command_link_->open(endpoint_, tls_context_ ? &*tls_context_ : nullptr,
                                               options_);
        if (ec || !options_.subscriber || closing_) co_return ec;
        subscriber_link_ = std::make_shared<Link>(strand_, Link::Role::subscriptions,
                                                  options_.max_incoming_message_bytes);
        co_return co_await subscriber_link_->open(
            endpoint_, tls_context_ ? &*tls_context_ : nullptr, options_);
    }

    // Runs a connected session until a link is lost or close() ends it.
    asio::awaitable<void> serve_session() {
        session_up_ = true;
        session_end_.expires_at(Clock::time_point::max());  // end_session() cancels it
        log_->info("redis: connected to {}", describe_endpoint());
        asio::co_spawn(strand_, read_loop(command_link_), asio::detached);
        if (subscriber_link_) {
            asio::co_spawn(strand_, read_loop(subscriber_link_), asio::detached);
            if (!channels_.empty()) {
                send_subscribe({channels_.begin(), channels_.end()}, false);
            }
            if (!patterns_.empty()) {
                send_subscribe({patterns_.begin(), patterns_.end()}, true);
            }
        }
        if (pending_subscription_acks_ == 0) session_ready();
        if (options_.health_check_interval.count() > 0) schedule_health_check();
        if (!session_up_) co_return;  // ended already (close() from the state handler)
        co_await session_end_.async_wait(awaitable_tuple);
    }

    std::size_t take_dropped_this_outage() {
        std::lock_guard lock(queue_mutex_);
        return std::exchange(dropped_this_outage_, 0);
    }

    // Both links up, every subscription confirmed: what waited in the queue goes, connected.
    void session_ready() {
        session_ready_ = true;
        if (const auto dropped = take_dropped_this_outage(); dropped > 0) {
            log_->warn("redis: {} messages dropped while disconnected", dropped);
        }
        flush();  // first: a publish() right after the state handler saw `connected` finds room
        set_state(DriverState::connected);
    }

    // Ends the current session (idempotent): closes both links, fails what waits for replies.
    void end_session() {
        session_up_ = false;
        session_ready_ = false;
        pending_subscription_acks_ = 0;
        health_timer_.cancel();
        session_end_.cancel();
        for (auto* link : {&command_link_, &subscriber_link_}) {
            if (*link) (*link)->close();
            link->reset();
        }
        // Messages written but not answered may or may not have reached Redis: pub/sub is
        // at-most-once, so they are not sent again (a duplicate broadcast is worse than a lost
        // one). Count-subscribers callers learn that the answer will not come.
        auto expected = std::exchange(expected_, {});
        for (auto& entry : expected) {
            if (entry.kind == Expected::Kind::count_subscribers && entry.done) {
                call_handler([&] { entry.done(std::nullopt); });
            }
        }
    }

    void lose(const std::shared_ptr<Link>& link, std::error_code ec) {
        if (link->closed() || !session_up_) return;
        log_->warn("redis: {} connection lost: {}",
                   link->role() == Link::Role::commands ? "command" : "subscriber", ec.message());
        end_session();
    }

    asio::awaitable<void> read_loop(std::shared_ptr<Link> link) {
        auto self = shared_from_this();
        auto& buffer = link->read_buffer();
        for (;;) {
            auto [read_ec, size] = co_await link->read_some(asio::buffer(buffer));
            if (link->closed()) co_return;
            if (read_ec) {
                lose(link, read_ec == asio::error::eof
                               ? make_error_code(redis_error::connection_closed)
                               : std::error_code(read_ec));
                co_return;
            }
            std::error_code ec;
            link->last_read_ = Clock::now();
            link->ping_sent_.reset();
            if (!link->reader().feed(buffer.data(), size, ec)) {
                log_->error("redis: protocol error: {}", link->reader().error_text());
                lose(link, ec);
                co_return;
            }
            for (;;) {
                auto reply = link->reader().next(ec);
                if (ec) {
                    if (ec == redis_error::message_too_large) {
                        log_->error(
                            "redis: a reply over max_incoming_message_bytes ({} bytes, {} "
                            "buffered): dropping the connection",
                            options_.max_incoming_message_bytes, link->reader().buffered());
                    } else {
                        log_->error("redis: protocol error: {}", link->reader().error_text());
                    }
                    lose(link, ec);
                    co_return;
                }
                if (!reply) break;
                if (link->role() == Link::Role::commands) {
                    on_command_reply(link, *reply);
                } else {
                    on_push(link, *reply);
                }
                if (link->closed()) co_return;
            }
        }
    }

    void on_command_reply(const std::shared_ptr<Link>& link, const Reply& reply) {
        if (expected_.empty()) {
            lose(link, make_error_code(redis_error::unexpected_reply));
            return;
        }
        auto& front = expected_.front();
        switch (front.kind) {
            case Expected::Kind::publish:
                if (reply.type == Reply::Type::error) {
                    refused_.warn("redis: PUBLISH refused: {}",
                                  sio::detail::printable(reply.text, 200));
                } else {
                    published_.fetch_add(1, std::memory_order_relaxed);
                }
                if (--front.publishes == 0) expected_.pop_front();
                break;
            case Expected::Kind::count_subscribers: {
                std::optional<std::size_t> count;
                // [channel, count] (RESP2), one pair per channel asked for.
                if (reply.is_array() && reply.elements.size() == 2 && reply.elements[1] &&
                    reply.elements[1]->type == Reply::Type::integer &&
                    reply.elements[1]->integer >= 0) {
                    count = static_cast<std::size_t>(reply.elements[1]->integer);
                }
                auto done = std::move(front.done);
                expected_.pop_front();
                if (done) call_handler([&] { done(count); });
                break;
            }
            case Expected::Kind::ping:
                expected_.pop_front();
                break;
        }
    }

    void on_push(const std::shared_ptr<Link>& link, const Reply& reply) {
        if (reply.type == Reply::Type::status) return;  // +PONG while subscribed to nothing
        if (reply.type == Reply::Type::error || !reply.is_array() || reply.elements.empty()) {
            if (reply.type == Reply::Type::error) {
                log_->error("redis: subscriber connection: {}",
                            sio::detail::printable(reply.text, 200));
            }
            lose(link, make_error_code(redis_error::unexpected_reply));
            return;
        }
        const auto kind = reply.element_text(0);
        if (kind == "message" && reply.elements.size() == 3) {
            deliver(reply.element_text(1), reply.element_text(2));
        } else if (kind == "pmessage" && reply.elements.size() == 4) {
            deliver(reply.element_text(2), reply.element_text(3));
        } else if (kind == "subscribe" || kind == "psubscribe") {
            if (pending_subscription_acks_ > 0 && --pending_subscription_acks_ == 0) {
                session_ready();
            }
        }
        // unsubscribe, punsubscribe, pong: acknowledgements only.
    }

    void deliver(std::string_view channel, std::string_view payload) {
        call_handler([&] {
            if (!on_message_) return;
            received_.fetch_add(1, std::memory_order_relaxed);
            on_message_(channel, payload);
        });
    }

    void send_subscribe(const std::vector<std::string_view>& names, bool patterns) {
        std::vector<std::string_view> args{patterns ? "PSUBSCRIBE" : "SUBSCRIBE"};
        args.insert(args.end(), names.begin(), names.end());
        if (!session_ready_) pending_subscription_acks_ += names.size();
        write_command(*subscriber_link_, args);
    }

    void write_command(Link& link, const std::vector<std::string_view>& args) {
        redis_detail::append_command(link.pending_, args);
        start_write(link);
    }

    // Moves what publish() queued onto the command link (unless a write is in flight: then its
    // completion calls this again, and everything queued meanwhile goes out in one write).
    void flush() {
        std::size_t dropped_while_connected = 0;
        {
            std::lock_guard lock(queue_mutex_);
            flush_posted_ = false;
            if (session_ready_) dropped_while_connected = std::exchange(dropped_this_outage_, 0);
            // Held until connected (subscriptions confirmed), so a driver's own messages
            // published while Redis was away reach its own restored subscriptions.
            if (!session_ready_ || !command_link_ || command_link_->write_in_flight_ ||
                queued_messages_ == 0) {
                // The write's completion, or the next session, flushes.
            } else {
                auto& link = *command_link_;
                if (link.pending_.empty()) {
                    link.pending_.swap(queued_);
                } else {
                    link.pending_ += queued_;
                }
                queued_.clear();
                if (!expected_.empty() && expected_.back().kind == Expected::Kind::publish) {
                    expected_.back().publishes += queued_messages_;
                } else {
                    expected_.push_back({.kind = Expected::Kind::publish,
                                         .publishes = queued_messages_,
                                         .done = {}});
                }
                queued_messages_ = 0;
            }
        }
        if (dropped_while_connected > 0) {
            queue_full_.warn("redis: {} messages dropped: the outgoing queue was full",
                             dropped_while_connected);
        }
        if (session_up_ && command_link_) start_write(*command_link_);
    }

    void start_write(Link& link) {
        if (link.write_in_flight_ || link.pending_.empty() || link.closed()) return;
        link.writing_.swap(link.pending_);
        link.pending_.clear();
        link.write_in_flight_ = true;
        link.write(asio::buffer(link.writing_),
                   [self = shared_from_this(), link = link.shared_from_this()](boost_error ec,
                                                                               std::size_t) {
                       link->write_in_flight_ = false;
                       link->writing_.clear();
                       if (link->closed()) return;
                       if (ec) {
                           self->lose(link, ec);
                       } else if (link->role() == Link::Role::commands) {
                           self->flush();
                       } else {
                           self->start_write(*link);
                       }
                   });
    }

    void schedule_health_check() {
        health_timer_.expires_after(options_.health_check_interval);
        health_timer_.async_wait([self = shared_from_this()](boost_error ec) {
            if (ec || !self->session_up_) return;
            const auto now = Clock::now();
            for (const auto& link : {self->command_link_, self->subscriber_link_}) {
                if (!link || link->closed()) continue;
                if (link->ping_sent_) {
                    if (now - *link->ping_sent_ >= self->options_.health_check_interval) {
                        self->lose(link, make_error_code(redis_error::health_check_failed));
                        return;
                    }
                } else if (now - link->last_read_ >= self->options_.health_check_interval) {
                    link->ping_sent_ = now;
                    self->write_command(*link, {"PING"});
                    if (link->role() == Link::Role::commands) {
                        self->expected_.push_back(
                            {.kind = Expected::Kind::ping, .publishes = 0, .done = {}});
                    }
                }
            }
            self->schedule_health_check();
        });
    }

    // close(): lets what was published reach Redis (bounded by close_grace), then ends.
    asio::awaitable<void> shutdown(std::shared_ptr<RedisDriver> self) {
        closing_ = true;
        backoff_.cancel();
        if (session_up_) {
            flush();
            const auto deadline = Clock::now() + options_.close_grace;
            asio::steady_timer tick(strand_);
            while (session_up_ && Clock::now() < deadline && !all_answered()) {
                tick.expires_after(std::chrono::milliseconds(5));
                co_await tick.async_wait(awaitable_tuple);
            }
        }
        end_session();
        health_timer_.cancel();
        session_end_.cancel();
        // Handlers may hold a pointer to whoever owns this driver: let them go now.
        on_message_ = nullptr;
        on_state_ = nullptr;
    }

    bool all_answered() {
        std::lock_guard lock(queue_mutex_);
        return queued_messages_ == 0 && expected_.empty() && command_link_ &&
               !command_link_->write_in_flight_ && command_link_->pending_.empty();
    }

    Clock::duration jittered(std::chrono::milliseconds delay) {
        const double jitter = std::clamp(options_.reconnect_jitter, 0.0, 1.0);
        std::uniform_real_distribution<double> factor(1.0 - jitter, 1.0 + jitter);
        return std::chrono::duration_cast<Clock::duration>(delay * factor(random_));
    }

    std::string describe_endpoint() const {
        switch (endpoint_.transport) {
            case RedisEndpoint::Transport::unix_socket:
                return "unix://" + endpoint_.socket_path;
            case RedisEndpoint::Transport::tls:
                return "rediss://" + endpoint_.host + ":" + std::to_string(endpoint_.port);
            case RedisEndpoint::Transport::tcp:
                break;
        }
        return "redis://" + endpoint_.host + ":" + std::to_string(endpoint_.port);
    }

    const RedisOptions options_;
    const RedisEndpoint endpoint_;
    Strand strand_;
    std::shared_ptr<spdlog::logger> log_;
    sio::detail::RateLimitedLog connect_failures_;
    sio::detail::RateLimitedLog refused_{log_, "redis refused", 5, std::chrono::seconds(10)};
    sio::detail::RateLimitedLog queue_full_{log_, "redis queue full", 2, std::chrono::seconds(10)};
    sio::detail::RateLimitedLog oversized_{log_, "redis oversized publish", 5,
                                           std::chrono::seconds(10)};
    std::optional<ssl::context> tls_context_;

    // Handlers, and the flag close() sets (see the top of this file).
    std::recursive_mutex handler_mutex_;
    bool handlers_closed_ = false;
    bool start_called_ = false;
    Driver::MessageHandler on_message_;
    Driver::StateHandler on_state_;

    std::atomic<DriverState> state_{DriverState::connecting};
    std::atomic<std::uint64_t> published_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> received_{0};
    std::atomic<std::uint64_t> reconnects_{0};

    // The outgoing queue: encoded PUBLISH commands, any thread.
    std::mutex queue_mutex_;
    std::string queued_;
    std::size_t queued_messages_ = 0;
    bool flush_posted_ = false;
    std::size_t dropped_this_outage_ = 0;  // reported and reset when connected (and by flush())

    // Strand only.
    bool started_ = false;
    bool closing_ = false;
    bool session_up_ = false;     // both links open (subscriptions may be unconfirmed)
    bool session_ready_ = false;  // and every subscription confirmed: `connected`
    std::set<std::string> channels_;
    std::set<std::string> patterns_;
    std::shared_ptr<Link> command_link_;
    std::shared_ptr<Link> subscriber_link_;
    std::deque<Expected> expected_;
    std::size_t pending_subscription_acks_ = 0;
    asio::steady_timer session_end_;
    asio::steady_timer backoff_;
    asio::steady_timer health_timer_;
    std::mt19937 random_;
};

// What make_redis_driver returns: its destruction closes the driver, whose operations may still
// hold the implementation alive for a moment on the strand.
class RedisDriverHandle final : public Driver {
  public:
    explicit RedisDriverHandle(std::shared_ptr<RedisDriver> driver) : driver_(std::move(driver)) {}
    ~RedisDriverHandle() override { driver_->close(); }

    void start(MessageHandler on_message, StateHandler on_state) override {
        driver_->start(std::move(on_message), std::move(on_state));
    }
    void publish(std::string channel, std::string payload) override {
        driver_->publish(std::move(channel), std::move(payload));
    }
    void subscribe(std::vector<std::string> channels) override {
        driver_->subscribe(std::move(channels), false);
    }
    void psubscribe(std::vector<std::string> patterns) override {
        driver_->subscribe(std::move(patterns), true);
    }
    void unsubscribe(std::vector<std::string> channels) override {
        driver_->unsubscribe(std::move(channels));
    }
    void count_subscribers(std::string channel,
                           std::function<void(std::optional<std::size_t>)> done) override {
        driver_->count_subscribers(std::move(channel), std::move(done));
    }
    DriverState state() const noexcept override { return driver_->state(); }
    DriverStats stats() const noexcept override { return driver_->stats(); }
    void close() override { driver_->close(); }

  private:
    std::shared_ptr<RedisDriver> driver_;
};

}  // namespace

const std::error_category& redis_error_category() noexcept {
    static const RedisErrorCategory category;
    return category;
}

DriverPtr make_redis_driver(asio::any_io_executor executor, RedisOptions options) {
    std::string error;
    auto endpoint = redis_detail::parse_redis_url(options.url, error);
    if (!endpoint) {
        throw std::system_error(make_error_code(redis_error::invalid_url),
                                "socketio::make_redis_driver: " + error);
    }
    return std::make_shared<RedisDriverHandle>(std::make_shared<RedisDriver>(
        std::move(executor), std::move(options), std::move(*endpoint)));
}

}  // namespace socketio
