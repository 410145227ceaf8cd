// sio::detail::RateLimitedLog with a fake clock: N lines per interval per kind, then one line
// counting what was suppressed; free when the level is off; safe from many threads.
// sio::detail::printable: peer strings made safe for one log line.

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "common/rate_limited_log.hpp"

namespace {

using namespace std::chrono_literals;

struct FakeClock {
    using rep = std::int64_t;
    using period = std::milli;
    using duration = std::chrono::milliseconds;
    using time_point = std::chrono::time_point<FakeClock, duration>;
    static constexpr bool is_steady = true;
    static inline time_point current{};
    static time_point now() { return current; }
    static void advance(duration d) { current += d; }
};

using Limited = sio::detail::BasicRateLimitedLog<FakeClock>;

/// A logger writing "level message" lines into a string.
struct Capture {
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> logger;
    explicit Capture(spdlog::level::level_enum level = spdlog::level::debug) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
        sink->set_pattern("%l %v");
        logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(level);
    }
    std::vector<std::string> lines() const {
        std::vector<std::string> result;
        std::istringstream in(out.str());
        for (std::string line; std::getline(in, line);) result.push_back(line);
        return result;
    }
};

TEST(RateLimitedLog, AtMostNLinesPerIntervalThenTheCountOfTheRest) {
    Capture capture;
    Limited bad_packets(capture.logger, "bad packets", 3, 1000ms);
    for (int i = 0; i < 10; ++i) bad_packets.info("bad packet {}", i);
    EXPECT_EQ(capture.lines(), (std::vector<std::string>{"info bad packet 0", "info bad packet 1",
                                                         "info bad packet 2"}));
    FakeClock::advance(999ms);
    bad_packets.info("bad packet {}", 10);  // same window: still suppressed
    EXPECT_EQ(capture.lines().size(), 3u);
    FakeClock::advance(1ms);
    bad_packets.info("bad packet {}", 11);
    const auto lines = capture.lines();
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[3], "info bad packets: 8 similar lines suppressed (at most 3 per 1000 ms)");
    EXPECT_EQ(lines[4], "info bad packet 11");
}

TEST(RateLimitedLog, NoCountLineWhenNothingWasSuppressed) {
    Capture capture;
    Limited limited(capture.logger, "kind", 2, 1000ms);
    limited.warn("a");
    FakeClock::advance(5s);
    limited.warn("b");
    limited.warn("c");
    EXPECT_EQ(capture.lines(), (std::vector<std::string>{"warning a", "warning b", "warning c"}));
}

TEST(RateLimitedLog, KindsHaveSeparateBudgets) {
    Capture capture;
    Limited a(capture.logger, "a", 1, 1000ms);
    Limited b(capture.logger, "b", 1, 1000ms);
    for (int i = 0; i < 5; ++i) {
        a.info("a{}", i);
        b.error("b{}", i);
    }
    EXPECT_EQ(capture.lines(), (std::vector<std::string>{"info a0", "error b0"}));
}

TEST(RateLimitedLog, LinesBelowTheLoggersLevelAreNotCounted) {
    Capture capture(spdlog::level::warn);
    Limited limited(capture.logger, "kind", 2, 1000ms);
    for (int i = 0; i < 100; ++i) limited.debug("quiet {}", i);
    EXPECT_TRUE(capture.lines().empty());
    limited.warn("loud");
    EXPECT_EQ(capture.lines(), std::vector<std::string>{"warning loud"})
        << "debug lines the logger drops use none of the budget and are not reported";
}

TEST(RateLimitedLog, AdmitDecidesWithoutLogging) {
    Limited limited(nullptr, "kind", 2, 10ms);
    const auto t0 = FakeClock::time_point{} + 1h;
    EXPECT_TRUE(limited.admit(t0).admitted);
    EXPECT_TRUE(limited.admit(t0 + 1ms).admitted);
    EXPECT_FALSE(limited.admit(t0 + 2ms).admitted);
    EXPECT_FALSE(limited.admit(t0 + 9ms).admitted);
    const auto next = limited.admit(t0 + 10ms);
    EXPECT_TRUE(next.admitted);
    EXPECT_EQ(next.suppressed, 2u);
    EXPECT_EQ(limited.admit(t0 + 11ms).suppressed, 0u);
    limited.info("no logger: nothing happens");
}

TEST(RateLimitedLog, ManyThreadsShareOneBudgetExactly) {
    Limited limited(nullptr, "kind", 50, 1000ms);
    const auto t = FakeClock::time_point{} + 2h;
    std::atomic<std::size_t> admitted{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) admitted += limited.admit(t).admitted ? 1 : 0;
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(admitted.load(), 50u);
    EXPECT_EQ(limited.admit(t + 1s).suppressed, 4000u - 50u);
}

TEST(Printable, EscapesControlCharactersAndBackslashes) {
    EXPECT_EQ(sio::detail::printable("chat"), "chat");
    EXPECT_EQ(sio::detail::printable("a\nfake log line"), "a\\nfake log line");
    EXPECT_EQ(sio::detail::printable("\x1b[31mred\t\r\\"), "\\x1b[31mred\\t\\r\\\\");
    EXPECT_EQ(sio::detail::printable(std::string("nul\0byte", 8)), "nul\\x00byte");
    EXPECT_EQ(sio::detail::printable("h\xc3\xa9"), "h\xc3\xa9") << "UTF-8 stays";
}

TEST(Printable, CutsLongStringsAndSaysHowLong) {
    EXPECT_EQ(sio::detail::printable(std::string(1'000'000, 'x'), 4), "xxxx... (1000000 bytes)");
    EXPECT_EQ(sio::detail::printable("abcd", 4), "abcd");
}

}  // namespace
