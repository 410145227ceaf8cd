// The official Socket.IO v5 protocol test suite (ported by sio-protocol to
// tests/js/socketio/protocol-suite.mjs) against our server, set up exactly like its reference
// (tests/js/socketio/reference-server.mjs): pingInterval 300 ms, pingTimeout 200 ms, maxPayload
// 1e6, CORS "*", namespaces "/" and "/custom"; on connect emit "auth" with the CONNECT payload;
// on "/": "message" (...args) -> emit "message-back" ...args, "message-with-ack" (...args) ->
// ack(...args). Each case of the suite is checked on its own.
#include <gtest/gtest.h>

#include "support/environment.hpp"
#include "support/json_lines.hpp"

#include "socketio/socketio.hpp"

namespace siotest {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::ordered_json;

TEST(ProtocolSuite, EveryCasePasses) {
    socketio::ServerOptions options;
    options.engine.heartbeat.ping_interval = 300ms;
    options.engine.heartbeat.ping_timeout = 200ms;
    options.engine.limits.max_payload = 1'000'000;
    options.engine.cors.allowed_origins = {"*"};
    options.engine.threads = 2;
    socketio::Server io(options);
    for (const char* name : {"/", "/custom"}) {
        io.of(name).on("connect",
                       [](socketio::Socket& s, const json& auth) { s.emit("auth", auth); });
    }
    io.of("/").on("message",
                  [](socketio::Socket& s, socketio::Args args) { s.emit("message-back", args); });
    // The arguments are the ack (none is sent when none was asked for).
    io.of("/").on("message-with-ack", [](socketio::Socket&, socketio::Args args) { return args; });
    io.listen("127.0.0.1", 0);
    io.start();

    auto result = run_node_script("socketio/protocol-suite.mjs",
                                  {"http://127.0.0.1:" + std::to_string(io.port())}, 90s);
    auto cases = json_events(result.out, "case");
    EXPECT_GE(cases.size(), 20u) << result.describe();
    for (const auto& c : cases) {
        EXPECT_TRUE(c.value("ok", false))
            << c.value("name", std::string{}) << ": " << c.value("error", std::string{});
    }
    EXPECT_TRUE(result.ok()) << result.describe();
    io.stop();
}

}  // namespace
}  // namespace siotest
