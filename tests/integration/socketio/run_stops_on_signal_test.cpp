// socketio::Server::run() owns Ctrl-C, as Flask-SocketIO's socketio.run(app) does: it prints the
// URL it listens on, and SIGINT or SIGTERM stop the server gracefully (sockets disconnected with
// "server shutting down", background tasks told to end) and make run() return, so the program
// exits 0. With engine.run.handle_signals = false, or a signal ignored before run(), the signal is
// not ours. The server is a child process (run_server.cpp): signals act on a whole process.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/environment.hpp"
#include "support/json_lines.hpp"
#include "support/process.hpp"

namespace siotest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Generous: a stop without clients takes milliseconds, one with clients a few more.
constexpr auto stop_bound = 5s;

/// socketio_it_run_server with `flags`, once it printed its URL line.
class RunServer {
  public:
    explicit RunServer(const std::vector<std::string>& flags = {})
        : process_(ProcessOptions{.argv = argv(flags)}) {
        listening_line_ = process_.wait_for_line("socketio-cpp listening on ", 10s);
    }

    Process& process() { return process_; }
    /// "socketio-cpp listening on http://127.0.0.1:PORT", or nullopt if it never came.
    const std::optional<std::string>& listening_line() const { return listening_line_; }
    /// "http://127.0.0.1:PORT" (from that line).
    std::string url() const {
        const std::string line = listening_line_.value_or("");
        return line.substr(line.find("http"));
    }
    /// Sends `signal` and waits for the exit; `took` is how long that was.
    ProcessResult signal_and_wait(int signal, Clock::duration& took) {
        const auto sent = Clock::now();
        process_.signal(signal);
        auto result = process_.wait(20s);
        took = Clock::now() - sent;
        return result;
    }

  private:
    static std::vector<std::string> argv(const std::vector<std::string>& flags) {
        std::vector<std::string> argv{SIO_RUN_SERVER};
        argv.insert(argv.end(), flags.begin(), flags.end());
        return argv;
    }

    Process process_;
    std::optional<std::string> listening_line_;
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(ServerRun, PrintsTheUrlItListensOn) {
    RunServer server;
    ASSERT_TRUE(server.listening_line()) << server.process().wait(5s).describe();
    EXPECT_TRUE(
        std::regex_match(*server.listening_line(),
                         std::regex(R"(socketio-cpp listening on http://127\.0\.0\.1:\d+)")))
        << *server.listening_line();
    EXPECT_NE(server.url(), "http://127.0.0.1:0");  // the bound port, not the one asked for
}

TEST(ServerRun, SigintStopsTheServerAndRunReturns) {
    RunServer server;
    ASSERT_TRUE(server.listening_line()) << server.process().wait(5s).describe();
    Clock::duration took{};
    auto result = server.signal_and_wait(SIGINT, took);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_LT(took, stop_bound);
    EXPECT_TRUE(contains(result.out, "background task ended\n")) << result.describe();
    EXPECT_TRUE(contains(result.out, "run returned\n")) << result.describe();
}

TEST(ServerRun, SigtermStopsTheServerAndDisconnectsTheClients) {
    RunServer server;
    ASSERT_TRUE(server.listening_line()) << server.process().wait(5s).describe();
    Process client(ProcessOptions{
        .argv = {node_executable(), js_path("socketio/wait-for-disconnect.mjs"), server.url()},
        .cwd = js_dir()});
    ASSERT_TRUE(client.wait_for_line("\"connected\"", 10s)) << client.wait(1s).describe();

    Clock::duration took{};
    auto result = server.signal_and_wait(SIGTERM, took);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_LT(took, stop_bound);
    EXPECT_TRUE(contains(result.out, "disconnect server shutting down\n")) << result.describe();
    EXPECT_TRUE(contains(result.out, "run returned\n")) << result.describe();

    // The client is told at once (not at its ping timeout, 45 s by default).
    auto client_result = client.wait(5s);
    ASSERT_TRUE(client_result.ok()) << client_result.describe();
    EXPECT_EQ(json_events(client_result.out, "disconnect").size(), 1u) << client_result.out;
}

TEST(ServerRun, WithoutHandleSignalsASignalKeepsItsDefaultAction) {
    RunServer server({"--no-handle-signals"});
    ASSERT_TRUE(server.listening_line()) << server.process().wait(5s).describe();
    Clock::duration took{};
    auto result = server.signal_and_wait(SIGINT, took);
    EXPECT_EQ(result.term_signal, SIGINT) << result.describe();
    EXPECT_FALSE(contains(result.out, "run returned")) << result.describe();
}

TEST(ServerRun, ASignalIgnoredBeforeRunStaysIgnored) {
    RunServer server({"--ignore-sigint"});
    ASSERT_TRUE(server.listening_line()) << server.process().wait(5s).describe();
    server.process().signal(SIGINT);
    // A caught SIGINT stops it within milliseconds; an ignored one does nothing.
    EXPECT_FALSE(server.process().wait_for_line("run returned", 500ms));
    Clock::duration took{};
    auto result = server.signal_and_wait(SIGTERM, took);  // SIGTERM is still caught
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(contains(result.out, "run returned\n")) << result.describe();
}

}  // namespace
}  // namespace siotest
