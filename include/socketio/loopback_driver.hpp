#pragma once
// socketio::LoopbackBroker — an in-process pub/sub broker and its drivers: a cluster of servers in
// one process, for tests (ours and the application's), with outages on demand. Link
// socketio::socketio_cluster.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "socketio/driver.hpp"

namespace socketio {

class LoopbackBroker;

/// Options of one loopback driver.
struct LoopbackDriverOptions {
    /// Messages kept while the driver is not connected (before start(), during an outage); one
    /// more is dropped and counted in DriverStats::dropped, as the Driver contract says. Default
    /// 1024.
    std::size_t max_queued = 1024;
};

/// A Driver connected to a LoopbackBroker. As Redis pub/sub: a message reaches every driver
/// subscribed to its channel (its publisher too) that is connected when it is published; a
/// driver in an outage misses what others publish meanwhile, and what it publishes waits in its
/// bounded queue until restore().
///
/// Thread safety: every member is safe from any thread. Handlers run on the driver's executor.
class LoopbackDriver : public Driver, public std::enable_shared_from_this<LoopbackDriver> {
  public:
    LoopbackDriver(std::shared_ptr<LoopbackBroker> broker, boost::asio::any_io_executor executor,
                   LoopbackDriverOptions options);
    ~LoopbackDriver() override;

    void start(MessageHandler on_message, StateHandler on_state = {}) override;
    void publish(std::string channel, std::string payload) override;
    void subscribe(std::vector<std::string> channels) override;
    void psubscribe(std::vector<std::string> patterns) override;
    void unsubscribe(std::vector<std::string> channels) override;
    void count_subscribers(std::string channel,
                           std::function<void(std::optional<std::size_t>)> done) override;
    DriverState state() const noexcept override;
    DriverStats stats() const noexcept override;
    void close() override;

    /// The broker goes away for this driver: state `disconnected`; messages others publish are
    /// missed, this driver's own wait in its queue (bounded by max_queued).
    void simulate_outage();
    /// The broker is back: state `connected` (counted in DriverStats::reconnects), the queue goes
    /// out in order.
    void restore();

  private:
    friend class LoopbackBroker;
    /// From the broker: a message on `channel` was published while this driver was connected.
    void deliver(const std::string& channel, const std::shared_ptr<const std::string>& payload);
    bool wants(const std::string& channel) const;  // under mutex_
    void set_state(DriverState state);             // under mutex_: posts on_state
    void flush(std::unique_lock<std::mutex>& lock);

    const std::shared_ptr<LoopbackBroker> broker_;
    const boost::asio::any_io_executor executor_;
    const LoopbackDriverOptions options_;

    mutable std::mutex mutex_;
    bool started_ = false;
    bool outage_ = false;
    DriverState state_ = DriverState::connecting;
    DriverStats stats_;
    bool dropping_logged_ = false;
    std::vector<std::string> channels_;
    std::vector<std::string> patterns_;
    std::deque<std::pair<std::string, std::string>> queue_;
    MessageHandler on_message_;
    StateHandler on_state_;
    /// Held while a handler runs: close() waits for it, so no handler runs after close().
    std::recursive_mutex handler_mutex_;
    bool closed_ = false;  // under handler_mutex_ and mutex_
};

/// An in-process broker: drivers made from it publish to each other.
///
///   auto broker = socketio::LoopbackBroker::create();
///   socketio::Server a{{.adapter = socketio::cluster_adapter(broker->make_driver(exec_a))}};
///   socketio::Server b{{.adapter = socketio::cluster_adapter(broker->make_driver(exec_b))}};
///
/// Thread safety: every member is safe from any thread.
class LoopbackBroker : public std::enable_shared_from_this<LoopbackBroker> {
  public:
    static std::shared_ptr<LoopbackBroker> create();

    /// A new driver on this broker whose handlers run on `executor`.
    std::shared_ptr<LoopbackDriver> make_driver(boost::asio::any_io_executor executor,
                                                LoopbackDriverOptions options = {});
    /// Messages the broker passed on so far (each counted once, whatever its subscribers).
    std::uint64_t published() const;

  private:
    friend class LoopbackDriver;
    LoopbackBroker() = default;
    void route(const std::string& channel, std::string payload);
    std::size_t count(const std::string& channel) const;

    mutable std::mutex mutex_;
    std::vector<std::weak_ptr<LoopbackDriver>> drivers_;
    std::uint64_t published_ = 0;
};

}  // namespace socketio
