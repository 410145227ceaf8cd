// LoopbackBroker and LoopbackDriver: in-process pub/sub with Redis's delivery rules.

#include "socketio/loopback_driver.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace socketio {

// --- LoopbackBroker ------------------------------------------------------------------------------

std::shared_ptr<LoopbackBroker> LoopbackBroker::create() {
    return std::shared_ptr<LoopbackBroker>(new LoopbackBroker());
}

std::shared_ptr<LoopbackDriver> LoopbackBroker::make_driver(boost::asio::any_io_executor executor,
                                                            LoopbackDriverOptions options) {
    auto driver =
        std::make_shared<LoopbackDriver>(shared_from_this(), std::move(executor), options);
    std::lock_guard lock(mutex_);
    std::erase_if(drivers_, [](const auto& weak) { return weak.expired(); });
    drivers_.push_back(driver);
    return driver;
}

std::uint64_t LoopbackBroker::published() const {
    std::lock_guard lock(mutex_);
    return published_;
}

void LoopbackBroker::route(const std::string& channel, std::string payload) {
    std::vector<std::shared_ptr<LoopbackDriver>> drivers;
    {
        std::lock_guard lock(mutex_);
        ++published_;
        for (const auto& weak : drivers_) {
            if (auto driver = weak.lock()) drivers.push_back(std::move(driver));
        }
    }
    // One copy of the bytes for every subscriber, as a broker sends the same message to each.
    auto shared = std::make_shared<const std::string>(std::move(payload));
    for (const auto& driver : drivers) driver->deliver(channel, shared);
}

std::size_t LoopbackBroker::count(const std::string& channel) const {
    std::vector<std::shared_ptr<LoopbackDriver>> drivers;
    {
        std::lock_guard lock(mutex_);
        for (const auto& weak : drivers_) {
            if (auto driver = weak.lock()) drivers.push_back(std::move(driver));
        }
    }
    std::size_t n = 0;
    for (const auto& driver : drivers) {
        std::lock_guard lock(driver->mutex_);
        // Redis's PUBSUB NUMSUB counts exact subscriptions of connected clients only.
        if (driver->state_ == DriverState::connected &&
            std::find(driver->channels_.begin(), driver->channels_.end(), channel) !=
                driver->channels_.end()) {
            ++n;
        }
    }
    return n;
}

// --- LoopbackDriver ------------------------------------------------------------------------------

LoopbackDriver::LoopbackDriver(std::shared_ptr<LoopbackBroker> broker,
                               boost::asio::any_io_executor executor, LoopbackDriverOptions options)
    : broker_(std::move(broker)), executor_(std::move(executor)), options_(options) {}

LoopbackDriver::~LoopbackDriver() = default;

void LoopbackDriver::start(MessageHandler on_message, StateHandler on_state) {
    std::unique_lock lock(mutex_);
    if (started_ || closed_) return;
    started_ = true;
    on_message_ = std::move(on_message);
    on_state_ = std::move(on_state);
    if (outage_) {
        set_state(DriverState::disconnected);
        return;
    }
    set_state(DriverState::connected);
    flush(lock);
}

void LoopbackDriver::publish(std::string channel, std::string payload) {
    std::unique_lock lock(mutex_);
    if (closed_) return;
    if (state_ != DriverState::connected) {
        if (queue_.size() >= options_.max_queued) {
            ++stats_.dropped;
            if (!dropping_logged_) {
                dropping_logged_ = true;
                if (auto log = spdlog::get("socketio")) {
                    log->warn(
                        "loopback driver: not connected and {} messages queued; dropping "
                        "new ones until the broker is back",
                        queue_.size());
                }
            }
            return;
        }
        queue_.emplace_back(std::move(channel), std::move(payload));
        return;
    }
    ++stats_.published;
    lock.unlock();
    broker_->route(channel, std::move(payload));
}

void LoopbackDriver::flush(std::unique_lock<std::mutex>& lock) {
    // In order, each through the broker as publish() would send it.
    while (!queue_.empty() && state_ == DriverState::connected && !closed_) {
        auto [channel, payload] = std::move(queue_.front());
        queue_.pop_front();
        ++stats_.published;
        lock.unlock();
        broker_->route(channel, std::move(payload));
        lock.lock();
    }
}

void LoopbackDriver::subscribe(std::vector<std::string> channels) {
    std::lock_guard lock(mutex_);
    for (auto& c : channels) {
        if (std::find(channels_.begin(), channels_.end(), c) == channels_.end())
            channels_.push_back(std::move(c));
    }
}

void LoopbackDriver::psubscribe(std::vector<std::string> patterns) {
    std::lock_guard lock(mutex_);
    for (auto& p : patterns) {
        if (std::find(patterns_.begin(), patterns_.end(), p) == patterns_.end())
            patterns_.push_back(std::move(p));
    }
}

void LoopbackDriver::unsubscribe(std::vector<std::string> channels) {
    std::lock_guard lock(mutex_);
    for (const auto& c : channels) {
        std::erase(channels_, c);
        std::erase(patterns_, c);
    }
}

void LoopbackDriver::count_subscribers(std::string channel,
                                       std::function<void(std::optional<std::size_t>)> done) {
    std::optional<std::size_t> result;
    if (state() == DriverState::connected) result = broker_->count(channel);
    boost::asio::post(executor_, [done = std::move(done), result] {
        if (done) done(result);
    });
}

DriverState LoopbackDriver::state() const noexcept {
    std::lock_guard lock(mutex_);
    return state_;
}

DriverStats LoopbackDriver::stats() const noexcept {
    std::lock_guard lock(mutex_);
    return stats_;
}

void LoopbackDriver::close() {
    {
        std::unique_lock lock(mutex_);
        if (closed_) return;
        // Pending messages go out first while connected, as the contract says.
        flush(lock);
        set_state(DriverState::closed);
    }
    // Waits for a handler running on another thread; from a handler itself it just marks.
    std::lock_guard handler_lock(handler_mutex_);
    std::lock_guard lock(mutex_);
    closed_ = true;
    on_message_ = {};
    on_state_ = {};
    queue_.clear();
}

void LoopbackDriver::simulate_outage() {
    std::lock_guard lock(mutex_);
    if (closed_ || outage_) return;
    outage_ = true;
    if (started_) set_state(DriverState::disconnected);
}

void LoopbackDriver::restore() {
    std::unique_lock lock(mutex_);
    if (closed_ || !outage_) return;
    outage_ = false;
    dropping_logged_ = false;
    if (!started_) return;
    ++stats_.reconnects;
    set_state(DriverState::connected);
    flush(lock);
}

void LoopbackDriver::set_state(DriverState state) {
    if (state_ == state) return;
    state_ = state;
    if (!on_state_) return;
    boost::asio::post(executor_, [weak = weak_from_this(), state] {
        auto self = weak.lock();
        if (!self) return;
        std::lock_guard handler_lock(self->handler_mutex_);
        StateHandler handler;
        {
            std::lock_guard lock(self->mutex_);
            if (self->closed_) return;
            handler = self->on_state_;
        }
        if (handler) handler(state);
    });
}

bool LoopbackDriver::wants(const std::string& channel) const {
    if (std::find(channels_.begin(), channels_.end(), channel) != channels_.end()) return true;
    for (const auto& pattern : patterns_) {
        if (::fnmatch(pattern.c_str(), channel.c_str(), 0) == 0) return true;
    }
    return false;
}

void LoopbackDriver::deliver(const std::string& channel,
                             const std::shared_ptr<const std::string>& payload) {
    {
        std::lock_guard lock(mutex_);
        // Redis pub/sub: who is connected and subscribed when it is published gets it.
        if (closed_ || !started_ || state_ != DriverState::connected || !wants(channel)) return;
    }
    boost::asio::post(executor_, [weak = weak_from_this(), channel, payload] {
        auto self = weak.lock();
        if (!self) return;
        std::lock_guard handler_lock(self->handler_mutex_);
        MessageHandler handler;
        {
            std::lock_guard lock(self->mutex_);
            if (self->closed_) return;
            ++self->stats_.received;
            handler = self->on_message_;
        }
        if (handler) handler(channel, *payload);
    });
}

}  // namespace socketio
