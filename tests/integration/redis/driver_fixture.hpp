#pragma once
// What the Redis driver tests share: an io_context on its own thread, a redis-server, and a
// recorder of what a driver's handlers saw, with waits on it.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "socketio/redis.hpp"
#include "support/redis_server.hpp"

namespace socketio {
inline void PrintTo(DriverState state, std::ostream* out) {
    constexpr const char* names[] = {"connecting", "connected", "disconnected", "closed"};
    *out << names[static_cast<int>(state)];
}
}  // namespace socketio

namespace redistest {

using namespace std::chrono_literals;

struct Message {
    std::string channel;
    std::string payload;
    bool operator==(const Message&) const = default;
};

/// Everything a driver's handlers saw. Thread safety: every member is safe from any thread.
class Recorder {
  public:
    socketio::Driver::MessageHandler on_message() {
        return [this](std::string_view channel, std::string_view payload) {
            std::lock_guard lock(mutex_);
            messages_.push_back({std::string(channel), std::string(payload)});
            changed_.notify_all();
        };
    }
    socketio::Driver::StateHandler on_state() {
        return [this](socketio::DriverState state) {
            std::lock_guard lock(mutex_);
            states_.push_back(state);
            changed_.notify_all();
        };
    }
    /// Waits until `done(messages, states)` holds; false at the deadline.
    bool wait(const std::function<bool(const std::vector<Message>&,
                                       const std::vector<socketio::DriverState>&)>& done,
              std::chrono::milliseconds timeout = 15s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return done(messages_, states_); });
    }
    bool wait_for_messages(std::size_t count, std::chrono::milliseconds timeout = 15s) {
        return wait([&](const auto& messages, const auto&) { return messages.size() >= count; },
                    timeout);
    }
    /// Waits until the state handler has reported `state` `times` times in all.
    bool wait_for_state(socketio::DriverState state, std::size_t times = 1,
                        std::chrono::milliseconds timeout = 15s) {
        return wait(
            [&](const auto&, const auto& states) {
                return static_cast<std::size_t>(std::count(states.begin(), states.end(), state)) >=
                       times;
            },
            timeout);
    }
    std::vector<Message> messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::vector<socketio::DriverState> states() {
        std::lock_guard lock(mutex_);
        return states_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Message> messages_;
    std::vector<socketio::DriverState> states_;
};

/// An io_context run by one thread for the test's lifetime.
class IoThread {
  public:
    IoThread() : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
    ~IoThread() {
        work_.reset();
        io_.stop();
        thread_.join();
    }
    boost::asio::any_io_executor executor() { return io_.get_executor(); }

  private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
};

/// Captures what the "socketio" logger writes while it lives (the logger is created as the
/// driver would, if no one did yet).
class LogCapture {
  public:
    LogCapture() {
        logger_ = spdlog::get("socketio");
        if (!logger_) {
            logger_ = spdlog::stderr_color_mt("socketio");
            logger_->set_level(spdlog::level::warn);
        }
        sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
        logger_->sinks().push_back(sink_);
    }
    ~LogCapture() {
        auto& sinks = logger_->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    std::string text() {
        sink_->flush();
        std::lock_guard lock(mutex_);
        return stream_.str();
    }

  private:
    std::mutex mutex_;
    std::ostringstream stream_;
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

/// Skips the test when redis-server is not installed.
#define SIO_REQUIRE_REDIS()                                      \
    do {                                                         \
        if (siotest::RedisServerProcess::executable().empty()) { \
            GTEST_SKIP() << "redis-server is not installed";     \
        }                                                        \
    } while (0)

/// Waits for count_subscribers(channel) to answer.
inline std::optional<std::size_t> count_subscribers(socketio::Driver& driver,
                                                    const std::string& channel) {
    struct Answer {
        std::mutex mutex;
        std::condition_variable answered;
        std::optional<std::optional<std::size_t>> count;
    };
    auto answer = std::make_shared<Answer>();  // outlives a wait that gave up
    driver.count_subscribers(channel, [answer](std::optional<std::size_t> count) {
        std::lock_guard lock(answer->mutex);
        answer->count = count;
        answer->answered.notify_all();
    });
    std::unique_lock lock(answer->mutex);
    answer->answered.wait_for(lock, 15s, [&] { return answer->count.has_value(); });
    return answer->count ? *answer->count : std::nullopt;
}

/// Polls `condition` (every 10 ms) until it holds; false at the deadline.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

}  // namespace redistest
