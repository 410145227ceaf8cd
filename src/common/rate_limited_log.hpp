#pragma once
// sio::detail::RateLimitedLog — log lines a peer can cause, bounded: per kind of line at most N
// lines per interval, then one line saying how many were suppressed. Header-only, spdlog only, so
// every layer can use it (engineio and socketio include it as "common/rate_limited_log.hpp"
// through the CMake target sio_common).
//
//   sio::detail::RateLimitedLog bad_packets{logger, "invalid packet"};
//   bad_packets.info("connection {}: invalid packet ({}); closing", sid, ec.message());
//
// A client that sends a million bad packets then costs at most `lines` lines per `interval` of
// that kind, plus one "invalid packet: 999980 similar lines suppressed" line when the next window
// admits a line again.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/logger.h>

namespace sio::detail {

/// One kind of log line with its budget: at most `lines` lines per `interval` (fixed windows: the
/// first line after a window ended opens the next one). The first line admitted after some were
/// dropped is preceded by one line with their count. `Clock` is std::chrono::steady_clock, or a
/// fake one in tests (a type with time_point, duration and a static now()).
///
/// Thread safety: every member is safe from any thread. A line whose level the logger does not
/// log costs one level test (no lock, no formatting, not counted).
template <class Clock = std::chrono::steady_clock>
class BasicRateLimitedLog {
  public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;

    /// The decision about one line: log it or not, and how many lines were dropped since the
    /// last admitted one (reported with this line; 0 when not admitted).
    struct Verdict {
        bool admitted = false;
        std::size_t suppressed = 0;
    };

    BasicRateLimitedLog(std::shared_ptr<spdlog::logger> logger, std::string kind,
                        std::size_t lines = 20, duration interval = std::chrono::seconds(10))
        : logger_(std::move(logger)), kind_(std::move(kind)), lines_(lines), interval_(interval) {}

    BasicRateLimitedLog(const BasicRateLimitedLog&) = delete;
    BasicRateLimitedLog& operator=(const BasicRateLimitedLog&) = delete;

    /// Counts one line at `now` against the budget.
    Verdict admit(time_point now) {
        std::lock_guard lock(mutex_);
        if (!window_open_ || now - window_start_ >= interval_) {
            window_open_ = true;
            window_start_ = now;
            admitted_ = 0;
        }
        if (admitted_ < lines_) {
            ++admitted_;
            return {true, std::exchange(dropped_, 0)};
        }
        ++dropped_;
        return {false, 0};
    }

    /// Logs at `level` if the budget allows (spdlog/fmt format string).
    template <class... Args>
    void log(spdlog::level::level_enum level, spdlog::format_string_t<Args...> format,
             Args&&... args) {
        if (!logger_ || !logger_->should_log(level)) return;
        const Verdict verdict = admit(Clock::now());
        if (!verdict.admitted) return;
        if (verdict.suppressed > 0) {
            logger_->log(level, "{}: {} similar lines suppressed (at most {} per {} ms)", kind_,
                         verdict.suppressed, lines_,
                         std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count());
        }
        logger_->log(level, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void debug(spdlog::format_string_t<Args...> format, Args&&... args) {
        log(spdlog::level::debug, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void info(spdlog::format_string_t<Args...> format, Args&&... args) {
        log(spdlog::level::info, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void warn(spdlog::format_string_t<Args...> format, Args&&... args) {
        log(spdlog::level::warn, format, std::forward<Args>(args)...);
    }
    template <class... Args>
    void error(spdlog::format_string_t<Args...> format, Args&&... args) {
        log(spdlog::level::err, format, std::forward<Args>(args)...);
    }

    const std::string& kind() const noexcept { return kind_; }

  private:
    const std::shared_ptr<spdlog::logger> logger_;
    const std::string kind_;
    const std::size_t lines_;
    const duration interval_;
    std::mutex mutex_;
    bool window_open_ = false;
    time_point window_start_{};
    std::size_t admitted_ = 0;  // in the current window
    std::size_t dropped_ = 0;   // since the last admitted line
};

using RateLimitedLog = BasicRateLimitedLog<>;

/// A peer-supplied string made safe for one log line: control characters and backslashes
/// escaped (\n, \x1b, …), cut after `max_bytes` bytes with the full size noted, so a client can
/// neither forge log lines nor make one line megabytes long.
inline std::string printable(std::string_view text, std::size_t max_bytes = 64) {
    constexpr char hex[] = "0123456789abcdef";
    std::string out;
    const std::size_t shown = text.size() < max_bytes ? text.size() : max_bytes;
    out.reserve(shown + 16);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (shown < text.size()) {
        out += "... (";
        out += std::to_string(text.size());
        out += " bytes)";
    }
    return out;
}

}  // namespace sio::detail
