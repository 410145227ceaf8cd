// The official Engine.IO v4 protocol test suite (ported to tests/js/engineio/official_suite.mjs),
// run against our server with the setup it assumes: path /engine.io/, pingInterval 300,
// pingTimeout 200, maxPayload 1e6, echo. Each case is reported on its own.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/json_lines.hpp"

namespace enginetest {
namespace {

TEST(OfficialSuite, EveryCasePasses) {
    EchoServer server({.heartbeat = {.ping_interval = 300ms, .ping_timeout = 200ms},
                       .limits = {.max_payload = 1'000'000}});
    auto result = server.run_script("official_suite", "all", {}, {}, 60s);
    auto cases = siotest::json_events(result.out, "case");
    EXPECT_EQ(cases.size(), 25u) << result.describe();
    for (const auto& c : cases) {
        EXPECT_TRUE(c.value("ok", false))
            << c.value("name", std::string{}) << ": " << c.value("error", std::string{});
    }
    EXPECT_TRUE(result.ok()) << result.describe();
}

}  // namespace
}  // namespace enginetest
