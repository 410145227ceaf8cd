// redis_adapter() and redis_emitter(): the one-line forms of a cluster adapter and an Emitter
// over Redis.

#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "socketio/redis.hpp"

#include "redis_url.hpp"

namespace socketio {

namespace {

void check_url(const std::string& url, const char* who) {
    std::string error;
    if (!redis_detail::parse_redis_url(url, error)) {
        throw std::system_error(make_error_code(redis_error::invalid_url),
                                std::string(who) + ": " + error);
    }
}

/// A Redis driver with the I/O thread it runs on: the thread stops once the driver closed.
class ThreadedDriver final : public Driver {
  public:
    explicit ThreadedDriver(RedisOptions options)
        : work_(io_->get_executor()),
          driver_(make_redis_driver(io_->get_executor(), std::move(options))),
          thread_([io = io_] { io->run(); }) {}
    ~ThreadedDriver() override {
        driver_->close();  // lets the queue reach Redis within its close grace, on the thread
        driver_.reset();
        work_.reset();  // the loop ends when the shutdown's last operation did
        if (thread_.get_id() == std::this_thread::get_id()) {
            thread_.detach();  // the last reference went away on the thread, which keeps io_
        } else {
            thread_.join();
        }
    }

    void start(MessageHandler on_message, StateHandler on_state) override {
        driver_->start(std::move(on_message), std::move(on_state));
    }
    void publish(std::string channel, std::string payload) override {
        driver_->publish(std::move(channel), std::move(payload));
    }
    void subscribe(std::vector<std::string> channels) override {
        driver_->subscribe(std::move(channels));
    }
    void psubscribe(std::vector<std::string> patterns) override {
        driver_->psubscribe(std::move(patterns));
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
    std::shared_ptr<boost::asio::io_context> io_ = std::make_shared<boost::asio::io_context>(1);
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    DriverPtr driver_;
    std::thread thread_;
};

}  // namespace

AdapterFactory redis_adapter(std::string url, ClusterOptions cluster, RedisOptions redis) {
    check_url(url, "socketio::redis_adapter");
    redis.url = std::move(url);
    // The driver is made with the first namespace (a factory that is never used connects to
    // nothing) and runs on a thread of its own, not on the server's loop 0: the server destroys
    // its loops before its adapters, and the driver's sockets and timers must not outlive the
    // io_context they belong to.
    struct State {
        std::mutex mutex;
        AdapterFactory cluster_factory;
    };
    auto state = std::make_shared<State>();
    return [state, cluster = std::move(cluster),
            redis = std::move(redis)](AdapterHost& host) -> std::unique_ptr<Adapter> {
        std::lock_guard lock(state->mutex);
        if (!state->cluster_factory) {
            state->cluster_factory =
                cluster_adapter(std::make_shared<ThreadedDriver>(redis), cluster);
        }
        return state->cluster_factory(host);
    };
}

Emitter redis_emitter(std::string url, EmitterOptions options, RedisOptions redis) {
    check_url(url, "socketio::redis_emitter");
    redis.url = std::move(url);
    redis.subscriber = false;
    return Emitter(std::make_shared<ThreadedDriver>(std::move(redis)), std::move(options));
}

}  // namespace socketio
