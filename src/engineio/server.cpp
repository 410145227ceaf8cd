// engineio::Server: the event loops, the acceptor, the handler callbacks and stop(). The request
// handling is in core.cpp, the connections in http_connection.cpp and ws_transport.cpp.
#include "engineio/server.hpp"

#include <condition_variable>
#include <future>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/rate_limited_log.hpp"
#include "common/run_support.hpp"
#include "http_connection.hpp"
#include "internal.hpp"
#include "socket_internals.hpp"

namespace engineio::detail {
namespace {

/// Callbacks given with on_connect()/on_message()/on_disconnect().
class CallbackHandler final : public Handler {
  public:
    std::function<bool(const SessionPtr&)> connect;
    std::function<void(const SessionPtr&, std::string_view, bool)> message;
    std::function<void(const SessionPtr&, DisconnectReason)> disconnect;

    bool on_connect(const SessionPtr& s) override { return connect ? connect(s) : true; }
    void on_message(const SessionPtr& s, std::string_view data, bool binary) override {
        if (message) message(s, data, binary);
    }
    void on_disconnect(const SessionPtr& s, DisconnectReason reason) override {
        if (disconnect) disconnect(s, reason);
    }
};

}  // namespace
}  // namespace engineio::detail

namespace engineio {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
thread_local const void* current_server = nullptr;  // the Server whose loop this thread runs
}

struct Server::Impl {
    explicit Impl(ServerOptions options)
        : core(std::make_shared<detail::Core>(std::move(options))) {
        for (unsigned i = 0; i < core->options.threads; ++i) {
            loops.push_back(std::make_unique<net::io_context>(1));
            guards.emplace_back(loops.back()->get_executor());
            core->loop_states.push_back(std::make_unique<detail::Core::LoopState>());
            core->loop_states.back()->context = loops.back().get();
            core->loop_states.back()->timers =
                std::make_unique<detail::SessionTimers>(*loops.back());
            core->loop_executors.emplace_back(loops.back()->get_executor());
        }
        if (core->options.tls) {
            core->tls.emplace(net::ssl::context::tls_server);
            core->tls->set_options(net::ssl::context::default_workarounds |
                                   net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                                   net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
            core->tls->use_certificate_chain_file(core->options.tls->certificate_chain_file);
            core->tls->use_private_key_file(core->options.tls->private_key_file,
                                            net::ssl::context::pem);
        }
        detail::logger()->set_level(core->options.logger ? spdlog::level::info
                                                         : spdlog::level::warn);
    }

    /// Waits until connections are pending on loop `index`'s listening socket, then accepts them
    /// (accept_pending()).
    void accept_next(std::size_t index) {
        auto& listener = *listeners[index];
        listener.acceptor.async_wait(
            tcp::acceptor::wait_read, [this, index](const boost::system::error_code& ec) {
                if (ec == net::error::operation_aborted || core->stopping) return;
                if (ec) {
                    detail::logger()->warn("waiting for connections failed: {}", ec.message());
                    return pause_accepting(index);
                }
                if (accept_pending(index)) {
                    accept_next(index);
                } else {
                    pause_accepting(index);
                }
            });
    }

    /// Accepts what is pending on loop `index`'s listening socket (up to a batch) and starts
    /// each connection on this loop. accept4(2) gives the peer's address (no getpeername(2)) and
    /// a non-blocking socket. Returns false after an error that accepting again at once would
    /// only repeat (no file descriptors left).
    bool accept_pending(std::size_t index) {
        static constexpr int max_batch = 32;
        auto& listener = *listeners[index];
        reserve_socket_records(index);  // its margin is far more than a batch
        for (int n = 0; n < max_batch; ++n) {
            detail::LoopSocket socket(*loops[index]);
            tcp::endpoint remote;
            boost::system::error_code ec;
            socklen_t length = static_cast<socklen_t>(remote.capacity());
            const int descriptor = ::accept4(listener.acceptor.native_handle(), remote.data(),
                                             &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (descriptor < 0) {
                if (errno == EINTR) continue;
                ec.assign(errno, boost::system::system_category());
            } else {
                remote.resize(length);
                detail::adopt_accepted(socket, remote.protocol(), descriptor, ec);
                if (ec) ::close(descriptor);
            }
            if (ec == net::error::would_block || ec == net::error::try_again) break;
            if (ec) {
                // The connection may be gone already (ECONNABORTED): go on with the next one.
                // Out of descriptors, it stays pending: let the loops close some first.
                accept_error_log.warn("accept failed: {}", ec.message());
                if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
                    ec == net::error::no_memory ||
                    ec == boost::system::errc::too_many_files_open_in_system) {
                    return false;
                }
                continue;
            }
            detail::Peer peer;
            peer.address = remote.address().to_string();
            peer.port = remote.port();
            peer.loop_index = index;
            peer.context = loops[index].get();
            detail::start_connection(std::move(socket), core, std::move(peer));
        }
        return true;
    }

    /// After an accept error that would repeat at once: try again in a moment.
    void pause_accepting(std::size_t index) {
        auto& listener = *listeners[index];
        listener.pause.expires_after(std::chrono::milliseconds(50));
        listener.pause.async_wait([this, index](const boost::system::error_code& ec) {
            if (!ec && !core->stopping) accept_next(index);
        });
    }

    /// Asio keeps a record for every socket registered with a loop's reactor, in a pool it never
    /// frees (a closed socket's record serves the next one). Taken one by one on a loop thread as
    /// connections come, each record would sit among the connections' objects and keep their pages
    /// from going back to the system after a mass disconnect. So they are taken ahead of need, in
    /// runs, on a thread of their own (its own heap): when a loop's share of the open connections
    /// nears what was reserved for it, that thread registers `record_run` placeholders with the
    /// loop's reactor at once — all on /dev/null, which epoll refuses (EPERM), so the reactor only
    /// takes a record for each — and releases them; the pool then holds that many free records. A
    /// server whose number of connections stays level does it no more.
    static constexpr std::size_t record_run = 512;

    void reserve_socket_records(std::size_t index) {
        auto& listener = *listeners[index];
        const std::size_t share =
            core->live_connections.load(std::memory_order_relaxed) / loops.size();
        if (share + record_run / 2 < listener.records_reserved || placeholder_descriptor < 0) {
            return;
        }
        listener.records_reserved += record_run;
        net::post(records_loop, [this, index] { register_placeholders(index); });
    }

    /// On records_loop (or before the loops run): see reserve_socket_records().
    void register_placeholders(std::size_t index) {
        std::vector<detail::LoopSocket> placeholders;
        placeholders.reserve(record_run);
        for (std::size_t i = 0; i < record_run; ++i) {
            boost::system::error_code ec;
            placeholders.emplace_back(*loops[index]).assign(tcp::v4(), placeholder_descriptor, ec);
            if (ec) {
                placeholders.pop_back();
                break;
            }
        }
        // Released, not closed: the descriptor stays ours for the next run.
        for (auto& placeholder : placeholders) {
            boost::system::error_code ignored;
            placeholder.release(ignored);
        }
    }

    void run_loop(std::size_t index) {
        current_server = this;
        for (;;) {
            try {
                loops[index]->run();
                break;
            } catch (const std::exception& e) {
                detail::logger()->error("exception escaped a handler on loop {}: {}", index,
                                        e.what());
            }
        }
        current_server = nullptr;
    }

    void start_threads(std::size_t first) {
        running = true;
        records_thread = std::thread([this] { records_loop.run(); });
        net::post(*loops[0], [this] { watch_memory(); });
        for (std::size_t i = first; i < loops.size(); ++i) {
            threads.emplace_back([this, i] { run_loop(i); });
        }
    }

    /// Gives freed memory back to the system once a wave of closes is over. The allocator keeps
    /// what it freed for reuse (and cannot shrink a heap whose top is still in use), so after
    /// thousands of clients leave, the process would otherwise stay at its peak for good.
    /// malloc_trim(0) returns every free page, in any arena. It runs on loop 0 when at least
    /// `trim_after_closes` sessions closed and none did for one tick (a few milliseconds of one
    /// loop, once per wave, not per close).
    void watch_memory() {
#if defined(__GLIBC__)
        static constexpr std::size_t trim_after_closes = 256;
        static constexpr auto tick = std::chrono::seconds(2);
        if (core->stopping) return;
        if (!memory_timer) memory_timer.emplace(*loops[0]);
        // The registries of open connections hold weak pointers; each one of a closed connection
        // pins the connection's memory (make_shared: one block) until it is pruned, which
        // track() does only as new connections come.
        for (std::size_t i = 0; i < loops.size(); ++i) {
            net::post(*loops[i], [core = core, i] { core->prune_connections(i); });
        }
        const std::size_t closed = core->closed_sessions.load(std::memory_order_relaxed);
        if (closed - closed_at_trim >= trim_after_closes && closed == closed_at_last_tick) {
            closed_at_trim = closed;
            malloc_trim(0);
        }
        closed_at_last_tick = closed;
        memory_timer->expires_after(tick);
        memory_timer->async_wait([this](const boost::system::error_code& ec) {
            if (!ec) watch_memory();
        });
#endif
    }

    void do_stop() {
        core->stopping = true;
        const bool loops_running = running.load();
        // Stop accepting: each listening socket is closed on its loop (or here, when the loops
        // never ran).
        for (std::size_t i = 0; i < listeners.size(); ++i) {
            const auto close_listener = [listener = listeners[i].get()] {
                boost::system::error_code ec;
                listener->acceptor.close(ec);
                listener->pause.cancel();
            };
            if (loops_running) {
                net::post(*loops[i], close_listener);
            } else {
                close_listener();
            }
        }
        if (loops_running) {
            net::post(*loops[0], [this] {
                if (memory_timer) memory_timer->cancel();
            });
            // Close every session (CLOSE packet / WebSocket close 1001), then idle connections, and
            // give the goodbyes a moment to be written.
            for (const auto& session : core->sessions.all()) {
                session->shutdown();
            }
            for (std::size_t i = 0; i < loops.size(); ++i) {
                net::post(*loops[i], [core = core, i] {
                    for (const auto& weak : core->loop_states[i]->connections) {
                        if (auto connection = weak.lock()) connection->shutdown();
                    }
                });
            }
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
            while (std::chrono::steady_clock::now() < deadline &&
                   (core->sessions.size() > 0 || core->live_connections.load() > 0)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
        for (auto& guard : guards) guard.reset();
        for (auto& loop : loops) loop->stop();
        for (auto& thread : threads) {
            if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
        }
        records_guard.reset();
        records_loop.stop();
        if (records_thread.joinable()) records_thread.join();
        {
            std::lock_guard lock(stop_mutex);
            stopped = true;
        }
        stop_cv.notify_all();
    }

    ~Impl() {
        if (placeholder_descriptor >= 0) ::close(placeholder_descriptor);
    }

    std::shared_ptr<detail::Core> core;
    std::vector<std::unique_ptr<net::io_context>> loops;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    /// A listening socket per loop, accepted on by that loop: SO_REUSEPORT lets the kernel
    /// spread new connections over them, so no thread stands between the kernel and the loops
    /// (an acceptor thread cost every connection a hand-over to its loop).
    struct Listener {
        explicit Listener(net::io_context& loop) : acceptor(loop), pause(loop) {}
        tcp::acceptor acceptor;            // non-blocking: accept_pending() drains it
        net::steady_timer pause;           // pause_accepting()
        std::size_t records_reserved = 0;  // reserve_socket_records()
    };
    std::vector<std::unique_ptr<Listener>> listeners;  // [loop index]
    /// /dev/null, opened by listen(): what register_placeholders() registers.
    int placeholder_descriptor = -1;
    /// The thread that takes Asio's socket records ahead of need (reserve_socket_records()).
    net::io_context records_loop{1};
    net::executor_work_guard<net::io_context::executor_type> records_guard{
        records_loop.get_executor()};
    std::thread records_thread;
    /// Out of descriptors, every retry fails alike: a few lines, then a count.
    sio::detail::RateLimitedLog accept_error_log{detail::logger(), "accept failed"};
    std::atomic<std::size_t> next_loop{0};
    std::atomic<bool> running{false};
    std::atomic<bool> stop_requested{false};
    std::vector<std::thread> threads;
    std::thread stopper;
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stopped = false;
    int stop_signal = 0;  // the signal that asked run() to stop (under stop_mutex)
    std::uint16_t port = 0;
    std::optional<net::steady_timer> memory_timer;  // on loop 0: watch_memory()
    std::size_t closed_at_trim = 0;
    std::size_t closed_at_last_tick = 0;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
    stop();
    if (impl_->stopper.joinable()) {
        if (impl_->stopper.get_id() == std::this_thread::get_id()) {
            impl_->stopper.detach();
        } else {
            impl_->stopper.join();
        }
    }
    for (auto& thread : impl_->threads) {
        if (thread.joinable()) thread.detach();  // only a loop thread destroying its own Server
    }
    // Sessions whose close never ran (the drain deadline passed) are still in their loop's
    // timer queue: release them, then the queues' timers, while the loops exist (they are
    // stopped, so nothing runs concurrently).
    bool stopped = false;
    {
        std::lock_guard lock(impl_->stop_mutex);
        stopped = impl_->stopped;
    }
    if (stopped) {
        for (const auto& session : impl_->core->sessions.all()) session->abandon();
    }
    for (auto& state : impl_->core->loop_states) {
        if (stopped) {
            state->timers.reset();
        } else {
            // A loop thread destroys its own Server and the loops may still run: the queue
            // cannot be destroyed safely now, nor after its loop (core may outlive it).
            static_cast<void>(state->timers.release());
        }
    }
}

const ServerOptions& Server::options() const noexcept {
    return impl_->core->options;
}

void Server::set_handler(std::shared_ptr<Handler> handler) {
    impl_->core->handler = handler ? std::move(handler) : std::make_shared<Handler>();
}

namespace {
detail::CallbackHandler& callbacks_of(std::shared_ptr<detail::Core>& core) {
    auto* existing = dynamic_cast<detail::CallbackHandler*>(core->handler.get());
    if (existing) return *existing;
    auto created = std::make_shared<detail::CallbackHandler>();
    auto& ref = *created;
    core->handler = std::move(created);
    return ref;
}
}  // namespace

void Server::on_connect(std::function<bool(const SessionPtr&)> callback) {
    callbacks_of(impl_->core).connect = std::move(callback);
}
void Server::on_message(std::function<void(const SessionPtr&, std::string_view, bool)> callback) {
    callbacks_of(impl_->core).message = std::move(callback);
}
void Server::on_disconnect(std::function<void(const SessionPtr&, DisconnectReason)> callback) {
    callbacks_of(impl_->core).disconnect = std::move(callback);
}

void Server::set_http_handler(HttpHandler handler) {
    impl_->core->http_handler = std::move(handler);
}

void Server::handle(tcp::socket&& socket, HttpRequest&& request,
                    boost::beast::flat_buffer&& already_read) {
    Impl& impl = *impl_;
    boost::system::error_code ec;
    if (impl.core->stopping || !impl.running) {
        detail::logger()->warn("handle(): the server is {}; connection closed",
                               impl.core->stopping ? "stopping" : "not started (call start())");
        socket.close(ec);
        return;
    }
    // The socket joins one of our loops, as an accepted one does: its descriptor moves from the
    // caller's io_context to the loop's.
    const std::size_t index = impl.next_loop++ % impl.loops.size();
    detail::Peer peer;
    if (const auto remote = socket.remote_endpoint(ec); !ec) {
        peer.address = remote.address().to_string();
        peer.port = remote.port();
    }
    peer.loop_index = index;
    peer.context = impl.loops[index].get();
    const auto protocol = socket.local_endpoint(ec).protocol();
    if (ec) return;  // not connected any more
    const auto descriptor = socket.release(ec);
    if (ec) {
        detail::logger()->warn("handle(): cannot take the socket over: {}", ec.message());
        socket.close(ec);
        return;
    }
    detail::LoopSocket moved(*impl.loops[index]);
    moved.assign(protocol, descriptor, ec);
    if (ec) {
        ::close(descriptor);
        return;
    }
    net::post(*impl.loops[index],
              [core = impl.core, socket = std::move(moved), peer = std::move(peer),
               request = std::move(request), buffer = std::move(already_read)]() mutable {
                  detail::start_handed_connection(std::move(socket), core, std::move(peer),
                                                  std::move(request), std::move(buffer));
              });
}

void Server::listen(std::string_view host, std::uint16_t port) {
    try {
        boost::system::error_code ec;
        auto address = net::ip::make_address(std::string(host), ec);
        tcp::endpoint endpoint;
        if (ec) {
            tcp::resolver resolver(*impl_->loops[0]);
            const auto results = resolver.resolve(std::string(host), std::to_string(port));
            endpoint = results.begin()->endpoint();
        } else {
            endpoint = tcp::endpoint(address, port);
        }
        using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
        if (endpoint.port() != 0) {
            // SO_REUSEPORT would let our sockets join another server of this user on the port,
            // sharing its connections: a port in use is an error, as without it. (Port 0: the
            // kernel picks one nobody has.)
            tcp::acceptor probe(*impl_->loops[0]);
            probe.open(endpoint.protocol());
            probe.set_option(net::socket_base::reuse_address(true));
            probe.bind(endpoint);
        }
        std::vector<std::unique_ptr<Impl::Listener>> listeners;
        for (auto& loop : impl_->loops) {
            auto& acceptor =
                listeners.emplace_back(std::make_unique<Impl::Listener>(*loop))->acceptor;
            acceptor.open(endpoint.protocol());
            acceptor.set_option(net::socket_base::reuse_address(true));
            acceptor.set_option(reuse_port(true));
            // Accepted sockets inherit it (Linux): no setsockopt(2) per connection.
            acceptor.set_option(tcp::no_delay(true));
            acceptor.bind(endpoint);
            acceptor.listen(net::socket_base::max_listen_connections);
            acceptor.non_blocking(true);
            // Port 0: the others join the port the first one got.
            endpoint.port(acceptor.local_endpoint().port());
        }
        impl_->port = endpoint.port();
        impl_->listeners = std::move(listeners);
    } catch (const boost::system::system_error& e) {
        throw std::system_error(e.code().value(), std::system_category(),
                                fmt::format("listen on {}:{}", host, port));
    }
    if (impl_->placeholder_descriptor < 0) {
        impl_->placeholder_descriptor = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    for (std::size_t i = 0; i < impl_->listeners.size(); ++i) {
        // The first run of records, here (this thread's heap), before any connection.
        if (impl_->placeholder_descriptor >= 0 && impl_->listeners[i]->records_reserved == 0) {
            impl_->listeners[i]->records_reserved = Impl::record_run;
            impl_->register_placeholders(i);
        }
        impl_->accept_next(i);
    }
    detail::logger()->info("listening on {}:{}{}", host, impl_->port, impl_->core->options.path);
}

std::uint16_t Server::port() const noexcept {
    return impl_->port;
}

void Server::start() {
    impl_->start_threads(0);
}

void Server::run(std::string_view host, std::uint16_t port) {
    Impl& impl = *impl_;
    const ServerOptions& options = impl.core->options;
    listen(host, port);
    // Caught before the URL is announced: whoever reads it may send a signal at once.
    std::optional<sio::detail::StopSignals> signals;
    if (options.run.handle_signals) {
        signals.emplace(impl.loops[0]->get_executor(), [&impl](int signal) {
            {
                std::lock_guard lock(impl.stop_mutex);
                impl.stop_signal = signal;
            }
            impl.stop_cv.notify_all();
        });
    }
    // Every loop on a thread of its own: this thread waits, and carries out a stop asked by a
    // signal (stop() joins the loops, so no loop may run it).
    impl.start_threads(0);
    if (options.run.listening) {
        options.run.listening(sio::detail::listening_url(host, impl.port, options.tls.has_value()));
    }
    int signal = 0;
    {
        std::unique_lock lock(impl.stop_mutex);
        impl.stop_cv.wait(lock, [&] { return impl.stopped || impl.stop_signal != 0; });
        signal = impl.stop_signal;
    }
    signals.reset();  // a second Ctrl-C during the drain ends the process
    if (signal != 0) {
        detail::logger()->info("{}: stopping", sio::detail::signal_name(signal));
    }
    stop();  // or, when stop() came from elsewhere, wait until it is done
}

void Server::stop() {
    Impl& impl = *impl_;
    const bool on_loop = current_server == &impl;
    if (impl.stop_requested.exchange(true)) {
        if (!on_loop) {
            std::unique_lock lock(impl.stop_mutex);
            impl.stop_cv.wait(lock, [&] { return impl.stopped; });
        }
        return;
    }
    if (on_loop) {
        // A loop thread cannot wait for its own loop to drain: stop from another thread.
        impl.stopper = std::thread([&impl] { impl.do_stop(); });
        return;
    }
    impl.do_stop();
}

SessionPtr Server::find(std::string_view sid) const {
    auto session = impl_->core->sessions.find(sid);
    if (!session || session->is_closed()) return nullptr;
    return session;
}

bool Server::send(std::string_view sid, Message message) {
    auto session = find(sid);
    if (!session) return false;
    session->send(std::move(message));
    return true;
}

bool Server::close(std::string_view sid) {
    auto session = find(sid);
    if (!session) return false;
    session->close();
    return true;
}

std::size_t Server::loop_count() const noexcept {
    return impl_->loops.size();
}

boost::asio::any_io_executor Server::loop(std::size_t index) const {
    return impl_->loops.at(index)->get_executor();
}

}  // namespace engineio
