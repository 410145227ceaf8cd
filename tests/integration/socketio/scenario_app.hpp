#pragma once
// The server side of the Socket.IO integration tests: a real socketio::Server on 127.0.0.1, port
// 0, running the "scenario app" — the handlers the client scenarios expect
// (tests/js/socketio/scenarios/reference-server.mjs lists them; it is the same app on Node's
// socket.io, against which every scenario is validated) — and a thread-safe record of what those
// handlers observed, for the tests to assert on.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "socketio/socketio.hpp"
#include "support/process.hpp"

namespace siotest {

using namespace std::chrono_literals;
using json = nlohmann::ordered_json;

/// How a client connects (the scenarios' transport=… parameter).
enum class Mode { polling, websocket, upgrade };
std::string to_string(Mode mode);
inline void PrintTo(Mode mode, std::ostream* os) {
    *os << to_string(mode);
}

/// One socket the connect handler accepted.
struct ConnectRecord {
    std::string nsp;
    std::string sid;
    std::string engine_sid;
    socketio::Handshake handshake;
    json auth;
    std::string transport;
};

/// One socket that left.
struct DisconnectRecord {
    std::string nsp;
    std::string sid;
    socketio::DisconnectReason reason;
};

/// One exception a handler threw, as an error handler saw it.
struct ErrorRecord {
    std::string handler;  ///< "namespace" (on "/errors") or "default"
    std::string nsp;
    std::string sid;
    std::string event;
    json args;
    std::string what;
};

/// One event that reached a handler of the app (the typed ones after conversion).
struct EventRecord {
    std::string nsp;
    std::string sid;
    std::string event;
    json args;
};

/// The Engine.IO options of the scenario app: pings every 2 s with 2 s to answer (no test
/// runs into them), CORS open, two event loops (so broadcasts cross loops).
socketio::ServerOptions scenario_options();

/// The scenario app on a started socketio::Server.
///
/// Thread safety: every member is safe from any thread.
class ScenarioServer {
  public:
    struct Options {
        socketio::ServerOptions server = scenario_options();
        /// > 0: a thread of the test emits "tick" 0..ticks-1 and then "tick-done" to "/" once
        /// two sockets are connected there (reference-server.mjs --ticks).
        int ticks = 0;
    };
    explicit ScenarioServer(Options options);
    ScenarioServer() : ScenarioServer(Options{}) {}
    ~ScenarioServer();
    ScenarioServer(const ScenarioServer&) = delete;
    ScenarioServer& operator=(const ScenarioServer&) = delete;

    socketio::Server& io() { return *io_; }
    /// "http://127.0.0.1:PORT"
    std::string url() const;

    /// Runs tests/js/socketio/scenarios/<script>.mjs <url> <scenario> transport=<mode> params…
    ProcessResult node(const std::string& script, const std::string& scenario, Mode mode,
                       const std::vector<std::string>& params = {},
                       std::chrono::milliseconds timeout = 15s) const;
    /// Runs /usr/bin/python3 tests/py/client.py <url> <scenario> transport=<mode>.
    ProcessResult python(const std::string& scenario, Mode mode,
                         std::chrono::milliseconds timeout = 20s) const;

    std::vector<ConnectRecord> connects() const;
    /// Auth payloads of refused connections, in order.
    std::vector<json> refused() const;
    std::vector<DisconnectRecord> disconnects() const;
    std::vector<ErrorRecord> errors() const;
    std::vector<EventRecord> events() const;
    /// The record of a connected socket (waits a little: the handler may still be running).
    std::optional<ConnectRecord> connect_of(const std::string& sid,
                                            std::chrono::milliseconds timeout = 3s) const;
    /// Waits for the socket's disconnect; nullopt at the timeout.
    std::optional<socketio::DisconnectReason> wait_for_disconnect(
        const std::string& sid, std::chrono::milliseconds timeout = 5s) const;
    /// Waits until `count` errors were recorded; returns them.
    std::vector<ErrorRecord> wait_for_errors(std::size_t count,
                                             std::chrono::milliseconds timeout = 3s) const;

  private:
    void install(const std::string& nsp);
    void install_middleware_namespaces();
    void record_event(const socketio::Socket& s, const std::string& event, json args);
    void ticker(int ticks);

    std::unique_ptr<socketio::Server> io_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<ConnectRecord> connects_;
    std::vector<json> refused_;
    std::vector<DisconnectRecord> disconnects_;
    std::vector<ErrorRecord> errors_;
    std::vector<EventRecord> events_;
    bool quitting_ = false;
    std::thread ticker_;
};

/// The bytes of a binary JSON value.
inline std::vector<std::uint8_t> bytes_of(const json& value) {
    const auto& b = value.get_binary();
    return {b.begin(), b.end()};
}

/// The {"event": name} lines of a script's stdout.
std::vector<json> reported(const ProcessResult& result, const std::string& event);

}  // namespace siotest

namespace socketio {
inline void PrintTo(DisconnectReason reason, std::ostream* os) {
    *os << to_string(reason);
}
}  // namespace socketio
