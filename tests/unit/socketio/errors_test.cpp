// Handler exceptions: the namespace's error handler, then the default one, then the log; the
// connection survives.

#include <algorithm>
#include <set>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "harness.hpp"

namespace sio_test {
namespace {

std::string what(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    }
}

TEST(Errors, NamespaceErrorHandlerSeesEventAndArguments) {
    std::string event, message;
    json args;
    Harness h;
    h.io->on("boom", [](socketio::Socket&, int) -> int { throw std::runtime_error("kaput"); });
    h.io->of("/").on_error(
        [&](socketio::Socket&, const std::string& e, const json& a, std::exception_ptr x) {
            event = e;
            args = a;
            message = what(x);
        });
    auto c = h.connected();
    c.emit("boom", {5, "extra"}, "/", 1);
    h.poll();
    EXPECT_EQ(event, "boom");
    EXPECT_EQ(args, json({5, "extra"}));
    EXPECT_EQ(message, "kaput");
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());  // no ack for a failed handler
    EXPECT_FALSE(c.session->closed());
}

TEST(Errors, DefaultHandlerWhenNamespaceHasNone) {
    std::vector<std::string> seen;
    Harness h;
    h.io->of("/a").on("boom", [](socketio::Socket&) { throw std::logic_error("a"); });
    h.io->of("/b").on("boom", [](socketio::Socket&) { throw std::logic_error("b"); });
    h.io->of("/b").on_error([&](socketio::Socket&, const std::string&, const json&,
                                std::exception_ptr x) { seen.push_back("b-handler:" + what(x)); });
    h.io->on_error_default(
        [&](socketio::Socket& s, const std::string&, const json&, std::exception_ptr x) {
            seen.push_back("default:" + s.nsp_name() + ":" + what(x));
        });
    auto c = h.accept();
    c.connect("/a");
    c.connect("/b");
    h.poll();
    c.emit("boom", json::array(), "/a");
    c.emit("boom", json::array(), "/b");
    h.poll();
    EXPECT_EQ(seen, (std::vector<std::string>{"default:/a:a", "b-handler:b"}));
}

TEST(Errors, BadArgumentTypeGoesToErrorHandler) {
    bool called = false;
    std::string event;
    std::optional<std::size_t> index;
    Harness h;
    h.io->on("typed", [&](socketio::Socket&, const json&, int) { called = true; });
    h.io->on_error_default(
        [&](socketio::Socket&, const std::string& e, const json&, std::exception_ptr x) {
            event = e;
            try {
                std::rethrow_exception(x);
            } catch (const socketio::ArgumentError& error) {
                index = error.index();
            } catch (...) {
            }
        });
    auto c = h.connected();
    c.emit("typed", {"anything", "not a number"});
    h.poll();
    EXPECT_FALSE(called);
    EXPECT_EQ(event, "typed");
    EXPECT_EQ(index, 1u) << "a socketio::ArgumentError naming the second argument";
}

/// Adds a sink to the "socketio" logger and sets its level for one test; undoes both.
class LogCapture {
  public:
    explicit LogCapture(spdlog::level::level_enum level)
        : logger_(spdlog::get("socketio")),
          sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)),
          level_(logger_->level()) {
        sink_->set_pattern("%l %v");
        logger_->sinks().push_back(sink_);
        logger_->set_level(level);
    }
    ~LogCapture() {
        logger_->set_level(level_);
        auto& sinks = logger_->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    /// Lines containing `needle`.
    std::vector<std::string> lines(std::string_view needle = "") const {
        std::vector<std::string> result;
        std::istringstream in(out_.str());
        for (std::string line; std::getline(in, line);) {
            if (line.find(needle) != std::string::npos) result.push_back(line);
        }
        return result;
    }

  private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> logger_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
    spdlog::level::level_enum level_;
};

// A client sending arguments of the wrong type is making a mistake, not the server: the lines
// are below error, and a flood of them is cut to the budget of their kind (20 per 10 s).
TEST(Errors, WrongArgumentTypesLogBelowErrorAndBounded) {
    Harness h;
    h.io->on("typed", [](socketio::Socket&, int) {});
    LogCapture capture(spdlog::level::debug);
    auto c = h.connected();
    for (int i = 0; i < 200; ++i) c.emit("typed", {"not a number"});
    h.poll();
    const auto lines = capture.lines("event 'typed'");
    ASSERT_EQ(lines.size(), 20u);
    EXPECT_EQ(lines[0].rfind("info ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find("argument 0"), std::string::npos) << lines[0];
    for (const auto& line : capture.lines()) EXPECT_NE(line.rfind("error ", 0), 0u) << line;
    EXPECT_FALSE(c.session->closed());
}

// Every client-triggered line is bounded: 50 clients each sending an invalid packet.
TEST(Errors, InvalidPacketLinesAreBounded) {
    Harness h;
    LogCapture capture(spdlog::level::debug);
    for (int i = 0; i < 50; ++i) {
        auto c = h.connected();
        c.raw("2[\"unterminated\"");
        h.poll();
        EXPECT_TRUE(c.session->closed());
    }
    EXPECT_EQ(capture.lines("invalid packet").size(), 20u);
    // "connected" and "left" lines share one budget.
    EXPECT_EQ(capture.lines("connected to /").size() + capture.lines(" left /").size(), 20u);
}

// An event name is the client's: control characters are escaped, a long one is cut.
TEST(Errors, ClientStringsInLogLinesAreEscapedAndCut) {
    Harness h;
    LogCapture capture(spdlog::level::debug);
    auto c = h.connected();
    c.emit("evil\nFAKE LINE" + std::string(10'000, 'x'));
    h.poll();
    const auto lines = capture.lines("no handler");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("evil\\nFAKE LINE"), std::string::npos) << lines[0];
    EXPECT_LT(lines[0].size(), 300u);
    EXPECT_TRUE(capture.lines("FAKE LINE").size() == 1u);
}

TEST(Errors, WithoutHandlersTheConnectionSurvives) {
    int ok_calls = 0;
    Harness h;
    h.io->on("boom", [](socketio::Socket&) { throw std::runtime_error("logged only"); });
    h.io->on("ok", [&](socketio::Socket&) { return ++ok_calls; });
    auto c = h.connected();
    c.emit("boom");
    c.emit("ok", json::array(), "/", 4);
    h.poll();
    EXPECT_EQ(ok_calls, 1);
    EXPECT_FALSE(c.session->closed());
    EXPECT_EQ(c.of_type(PacketType::ack).size(), 1u);
}

TEST(Errors, ThrowingErrorHandlerIsContained) {
    int ok_calls = 0;
    Harness h;
    h.io->on("boom", [](socketio::Socket&) { throw std::runtime_error("first"); });
    h.io->on("ok", [&](socketio::Socket&) { ++ok_calls; });
    h.io->on_error_default([](socketio::Socket&, const std::string&, const json&,
                              std::exception_ptr) { throw std::runtime_error("second"); });
    auto c = h.connected();
    c.emit("boom");
    c.emit("ok");
    h.poll();
    EXPECT_EQ(ok_calls, 1);
    EXPECT_FALSE(c.session->closed());
}

TEST(Errors, CoroutineHandlerExceptionReachesErrorHandler) {
    std::string message;
    Harness h;
    h.io->on("co", [](socketio::Socket&) -> boost::asio::awaitable<void> {
        throw std::runtime_error("in coroutine");
        co_return;
    });
    h.io->on_error_default([&](socketio::Socket&, const std::string&, const json&,
                               std::exception_ptr x) { message = what(x); });
    auto c = h.connected();
    c.emit("co", json::array(), "/", 1);
    EXPECT_TRUE(h.poll_until([&] { return !message.empty(); }));
    EXPECT_EQ(message, "in coroutine");
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());
}

TEST(Errors, ConnectHandlerExceptionRefusesTheConnection) {
    Harness h;
    h.io->on("connect", [](socketio::Socket&) { throw std::runtime_error("bug"); });
    auto c = h.accept();
    c.connect();
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].data, json({{"message", "Connection rejected by server"}}));
    EXPECT_FALSE(c.session->closed());
}

// Every code reads as an error (std::error_code treats 0 as success) and has its own message.
TEST(Errors, EveryErrorCodeIsAnErrorWithAMessage) {
    using socketio::error;
    std::set<std::string> messages;
    for (error e : {error::ack_timeout, error::socket_disconnected, error::too_many_pending_acks,
                    error::reserved_event, error::invalid_handler, error::not_listening}) {
        const std::error_code ec = e;
        EXPECT_TRUE(ec) << ec.message();
        EXPECT_EQ(ec.category().name(), std::string("socketio"));
        EXPECT_EQ(&ec.category(), &socketio::error_category());
        EXPECT_EQ(ec.message().find("Unknown"), std::string::npos) << static_cast<int>(e);
        messages.insert(ec.message());
    }
    EXPECT_EQ(messages.size(), 6u);
}

}  // namespace
}  // namespace sio_test
