// engineio::Server::run() owns Ctrl-C: it prints the URL it listens on, and SIGINT or SIGTERM
// stop the server gracefully and make run() return (the program exits 0); with
// run.handle_signals = false a signal keeps its default action. The server is a child process
// (run_server.cpp): signals act on a whole process. The Socket.IO server's run() is tested the
// same way, with clients, in tests/integration/socketio/run_stops_on_signal_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <string>

#include "support/process.hpp"

namespace {

using namespace std::chrono_literals;

siotest::ProcessOptions run_server(std::string flag = {}) {
    siotest::ProcessOptions options{.argv = {SIO_RUN_SERVER}};
    if (!flag.empty()) options.argv.push_back(std::move(flag));
    return options;
}

void expect_stops_on(int signal) {
    siotest::Process server(run_server());
    auto line = server.wait_for_line("socketio-cpp listening on ", 10s);
    ASSERT_TRUE(line) << server.wait(5s).describe();
    EXPECT_TRUE(
        std::regex_match(*line, std::regex(R"(socketio-cpp listening on http://127\.0\.0\.1:\d+)")))
        << *line;
    const auto sent = std::chrono::steady_clock::now();
    server.signal(signal);
    auto result = server.wait(20s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s);
    EXPECT_NE(result.out.find("run returned\n"), std::string::npos) << result.describe();
}

TEST(ServerRun, SigintStopsTheServerAndRunReturns) {
    expect_stops_on(SIGINT);
}

TEST(ServerRun, SigtermStopsTheServerAndRunReturns) {
    expect_stops_on(SIGTERM);
}

TEST(ServerRun, WithoutHandleSignalsASignalKeepsItsDefaultAction) {
    siotest::Process server(run_server("--no-handle-signals"));
    ASSERT_TRUE(server.wait_for_line("socketio-cpp listening on ", 10s))
        << server.wait(5s).describe();
    server.signal(SIGTERM);
    auto result = server.wait(20s);
    EXPECT_EQ(result.term_signal, SIGTERM) << result.describe();
}

}  // namespace
