// The write-only Emitter: the adapter schema's messages (cluster_messages.hpp), encoded by the
// cluster's wire format and published through a driver it owns.

#include "socketio/emitter.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cluster_format.hpp"
#include "cluster_messages.hpp"
#include "socketio/error.hpp"

namespace socketio {

namespace {

class EmitterErrorCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "socketio.emitter"; }
    std::string message(int value) const override {
        switch (static_cast<emitter_error>(value)) {
            case emitter_error::flush_timeout:
                return "the broker did not take every message in time (is it reachable?)";
            case emitter_error::messages_dropped:
                return "the driver dropped messages (its outgoing queue was full)";
            case emitter_error::closed:
                return "the emitter is closed";
        }
        return "unknown emitter error";
    }
};

std::string normalised_namespace(std::string_view nsp) {
    if (nsp.empty()) return "/";
    if (nsp.front() != '/') return "/" + std::string(nsp);
    return std::string(nsp);
}

void check_event_name(std::string_view event) {
    // The names a client may not receive (socket.io-parser's RESERVED_EVENTS), refused as
    // Server::emit refuses them: this layer sees the socketio layer's public headers only.
    static constexpr std::string_view reserved[] = {
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
    if (std::find(std::begin(reserved), std::end(reserved), event) != std::end(reserved)) {
        throw std::system_error(make_error_code(error::reserved_event),
                                "\"" + std::string(event) + "\" is a reserved event name");
    }
}

}  // namespace

const std::error_category& emitter_error_category() noexcept {
    static const EmitterErrorCategory category;
    return category;
}

namespace detail {

struct EmitterCore {
    EmitterCore(DriverPtr d, EmitterOptions o)
        : driver(std::move(d)),
          options(std::move(o)),
          format(make_format(options)),
          host_id(cluster::messages::random_host_id()),
          baseline(driver->stats()) {
        driver->start({});  // publish only: no handler, no subscription
    }
    ~EmitterCore() { driver->close(); }

    static std::unique_ptr<cluster::WireFormat> make_format(const EmitterOptions& options) {
        ClusterOptions cluster{.channel = options.channel, .format = options.format};
        return cluster::make_wire_format(cluster);
    }

    void publish(const json& message) {
        std::string channel;
        std::string payload;
        // A message the format has no wire for (a python-only method in Node's format) is not
        // published, nor counted: nothing would understand it.
        if (!format->encode(message, channel, payload)) return;
        // Counted even when closed: flush() then says that not everything went out.
        sent.fetch_add(1, std::memory_order_relaxed);
        if (closed) return;
        driver->publish(std::move(channel), std::move(payload));
    }

    /// Where the messages emitted before `target` stand: {} all out, or why not yet / never.
    enum class Progress { done, waiting, dropped };
    Progress progress(std::uint64_t target) const {
        const auto now = driver->stats();
        const auto dropped = now.dropped - baseline.dropped;
        if (dropped > 0) return Progress::dropped;
        return now.published - baseline.published >= target ? Progress::done : Progress::waiting;
    }

    const DriverPtr driver;
    const EmitterOptions options;
    const std::unique_ptr<cluster::WireFormat> format;
    const std::string host_id;
    const DriverStats baseline;  // the driver's counters when this emitter took it over
    std::atomic<std::uint64_t> sent{0};
    std::atomic<bool> closed{false};
};

}  // namespace detail

// --- EmitterOperator ---------------------------------------------------------------------------

EmitterOperator::EmitterOperator(std::shared_ptr<detail::EmitterCore> core, std::string nsp,
                                 BroadcastOptions options)
    : core_(std::move(core)), nsp_(std::move(nsp)), options_(std::move(options)) {}

EmitterOperator EmitterOperator::to(std::string room) const {
    auto options = options_;
    options.rooms.push_back(std::move(room));
    return {core_, nsp_, std::move(options)};
}

EmitterOperator EmitterOperator::to(const std::vector<std::string>& rooms) const {
    auto options = options_;
    options.rooms.insert(options.rooms.end(), rooms.begin(), rooms.end());
    return {core_, nsp_, std::move(options)};
}

EmitterOperator EmitterOperator::except(std::string room) const {
    auto options = options_;
    options.except.push_back(std::move(room));
    return {core_, nsp_, std::move(options)};
}

EmitterOperator EmitterOperator::except(const std::vector<std::string>& rooms) const {
    auto options = options_;
    options.except.insert(options.except.end(), rooms.begin(), rooms.end());
    return {core_, nsp_, std::move(options)};
}

void EmitterOperator::emit_args(std::string_view event, json args) const {
    check_event_name(event);
    if (!args.is_array()) args = json::array({std::move(args)});
    args.insert(args.begin(), json(event));
    core_->publish(cluster::messages::emit(args, nsp_, options_, core_->host_id));
}

void EmitterOperator::sockets_join(const std::vector<std::string>& rooms) const {
    if (rooms.empty()) return;
    core_->publish(cluster::messages::sockets_join(nsp_, options_, rooms));
}

void EmitterOperator::sockets_leave(const std::vector<std::string>& rooms) const {
    if (rooms.empty()) return;
    core_->publish(cluster::messages::sockets_leave(nsp_, options_, rooms));
}

void EmitterOperator::disconnect_sockets(bool close) const {
    core_->publish(cluster::messages::disconnect_sockets(nsp_, options_, close));
}

// --- Emitter -----------------------------------------------------------------------------------

Emitter::Emitter(DriverPtr driver, EmitterOptions options) {
    if (!driver) throw std::invalid_argument("socketio::Emitter: no driver");
    core_ = std::make_shared<detail::EmitterCore>(std::move(driver), std::move(options));
}

EmitterOperator Emitter::of(std::string_view nsp) const {
    return {core_, normalised_namespace(nsp)};
}

void Emitter::close_room(const std::string& room, std::string_view nsp) const {
    core_->publish(cluster::messages::close_room(normalised_namespace(nsp), room));
}

void Emitter::server_side_emit_args(std::string_view event, json args, std::string_view nsp) const {
    check_event_name(event);
    if (!args.is_array()) args = json::array({std::move(args)});
    args.insert(args.begin(), json(event));
    core_->publish(cluster::messages::server_side_emit(normalised_namespace(nsp), args));
}

std::error_code Emitter::flush(std::chrono::milliseconds timeout) const {
    const auto target = core_->sent.load();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // The driver tells no completion of a publish, only its counters: poll them. A flush is rare
    // (once before a program exits), so a short sleep between looks costs nothing that matters.
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        switch (core_->progress(target)) {
            case detail::EmitterCore::Progress::done:
                return {};
            case detail::EmitterCore::Progress::dropped:
                return make_error_code(emitter_error::messages_dropped);
            case detail::EmitterCore::Progress::waiting:
                break;
        }
        if (core_->closed || core_->driver->state() == DriverState::closed)
            return make_error_code(emitter_error::closed);
        if (std::chrono::steady_clock::now() >= deadline)
            return make_error_code(emitter_error::flush_timeout);
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(5'000));
    }
}

void Emitter::async_flush(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout,
                          std::function<void(std::error_code)> done) const {
    struct Poll : std::enable_shared_from_this<Poll> {
        std::shared_ptr<detail::EmitterCore> core;
        std::uint64_t target;
        std::chrono::steady_clock::time_point deadline;
        boost::asio::steady_timer timer;
        std::function<void(std::error_code)> done;

        Poll(std::shared_ptr<detail::EmitterCore> c, std::uint64_t t,
             std::chrono::steady_clock::time_point d, boost::asio::any_io_executor ex,
             std::function<void(std::error_code)> f)
            : core(std::move(c)), target(t), deadline(d), timer(ex), done(std::move(f)) {}

        void step() {
            switch (core->progress(target)) {
                case detail::EmitterCore::Progress::done:
                    return finish({});
                case detail::EmitterCore::Progress::dropped:
                    return finish(make_error_code(emitter_error::messages_dropped));
                case detail::EmitterCore::Progress::waiting:
                    break;
            }
            if (core->closed || core->driver->state() == DriverState::closed)
                return finish(make_error_code(emitter_error::closed));
            if (std::chrono::steady_clock::now() >= deadline)
                return finish(make_error_code(emitter_error::flush_timeout));
            timer.expires_after(std::chrono::milliseconds(2));
            timer.async_wait([self = shared_from_this()](auto error) {
                if (!error) self->step();
            });
        }
        void finish(std::error_code ec) {
            auto f = std::move(done);
            if (f) f(ec);
        }
    };
    auto poll = std::make_shared<Poll>(core_, core_->sent.load(),
                                       std::chrono::steady_clock::now() + timeout, executor,
                                       std::move(done));
    boost::asio::post(executor, [poll] { poll->step(); });
}

std::size_t Emitter::emitted() const noexcept {
    return static_cast<std::size_t>(core_->sent.load());
}

void Emitter::close() const {
    if (core_->closed.exchange(true)) return;
    core_->driver->close();
}

const std::string& Emitter::host_id() const noexcept {
    return core_->host_id;
}

const DriverPtr& Emitter::driver() const noexcept {
    return core_->driver;
}

}  // namespace socketio
