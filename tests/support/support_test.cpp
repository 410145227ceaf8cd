// Tests of the shared test helpers themselves: a broken helper would make every integration test
// lie.
#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/environment.hpp"
#include "support/json_lines.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_cert.hpp"

namespace siotest {
namespace {

using namespace std::chrono_literals;

TEST(Process, CapturesOutputAndExitCode) {
    auto result = run_process({.argv = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}}, 10s);
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_FALSE(result.timed_out);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.out, "out\n");
    EXPECT_EQ(result.err, "err\n");
}

TEST(Process, PassesEnvironmentAndWorkingDirectory) {
    TempDir dir;
    auto result = run_process({.argv = {"/bin/sh", "-c", "echo \"$SIO_TEST_VALUE\"; pwd"},
                               .env = {{"SIO_TEST_VALUE", "overridden"}},
                               .cwd = dir.path()},
                              10s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(result.out, "overridden\n" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(Process, KillsTheWholeGroupAtTheDeadline) {
    auto started = std::chrono::steady_clock::now();
    // The grandchild holds the pipes open; only killing the process group ends the wait.
    auto result = run_process({.argv = {"/bin/sh", "-c", "sleep 30 & sleep 30; wait"}}, 300ms);
    EXPECT_TRUE(result.timed_out);
    EXPECT_EQ(result.term_signal, SIGKILL);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(Process, ReportsAProgramThatCannotStart) {
    EXPECT_THROW(run_process({.argv = {"/nonexistent/program"}}, 1s), std::system_error);
}

TEST(Environment, NodeAndScriptsAreThere) {
    EXPECT_TRUE(std::filesystem::exists(node_executable())) << node_executable();
    EXPECT_TRUE(std::filesystem::exists(js_path("package.json")));
    EXPECT_TRUE(std::filesystem::exists(js_path("node_modules/engine.io-client")));
    auto result = run_process({.argv = {node_executable(), "--version"}}, 10s);
    EXPECT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(python_executable(), "/usr/bin/python3");
}

TEST(TempDir, IsUniqueAndRemoved) {
    std::string path;
    {
        TempDir a;
        TempDir b;
        EXPECT_NE(a.path(), b.path());
        std::ofstream(a.file("x")) << "data";
        path = a.path();
        EXPECT_TRUE(std::filesystem::exists(a.file("x")));
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TlsCert, SelfSignedForLocalhostAndLoopback) {
    TempDir dir;
    TlsFiles files = make_self_signed_certificate(dir.path());
    auto text = run_process(
        {.argv = {openssl_executable(), "x509", "-in", files.certificate_file, "-noout", "-text"}},
        10s);
    ASSERT_TRUE(text.ok()) << text.describe();
    EXPECT_NE(text.out.find("IP Address:127.0.0.1"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("DNS:localhost"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(files.private_key_file));
}

TEST(JsonLines, ParsesObjectLinesAndSkipsTheRest) {
    auto lines =
        json_lines("noise\n{\"event\":\"open\",\"sid\":\"a\"}\n{broken\n{\"event\":\"x\"}");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["sid"], "a");
    auto opens = json_events("{\"event\":\"open\",\"sid\":\"a\"}\n{\"event\":\"done\"}\n", "open");
    ASSERT_EQ(opens.size(), 1u);
    EXPECT_EQ(opens[0]["sid"], "a");
}

}  // namespace
}  // namespace siotest
