#pragma once
// The server side of the Engine.IO integration tests: a real engineio::Server on 127.0.0.1, port 0,
// with an echo handler that follows the message convention of tests/js/engineio/lib.mjs, and a
// thread-safe record of what its callbacks saw.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "engineio/server.hpp"
#include "support/process.hpp"

namespace enginetest {

using namespace std::chrono_literals;

/// One message the server received.
struct Received {
    std::string data;
    bool binary = false;
    bool operator==(const Received&) const = default;
};
inline Received text(std::string data) {
    return {std::move(data), false};
}
inline Received binary(std::string bytes) {
    return {std::move(bytes), true};
}
inline std::ostream& operator<<(std::ostream& os, const Received& r) {
    os << (r.binary ? "binary[" : "text[");
    for (unsigned char c : r.data.substr(0, 64)) {
        if (r.binary) {
            os << ' ' << static_cast<int>(c);
        } else {
            os << c;
        }
    }
    return os << (r.data.size() > 64 ? "...]" : "]") << " (" << r.data.size() << " bytes)";
}

/// What the callbacks saw of one session.
struct SessionRecord {
    std::string transport_at_connect;
    engineio::Request request;
    std::vector<Received> messages;
    std::optional<engineio::DisconnectReason> reason;
    std::string transport_at_disconnect;
    std::chrono::steady_clock::time_point connected_at;
    std::chrono::steady_clock::time_point disconnected_at;
};

/// Echoes every message, except text messages "cmd:...":
///   cmd:burst:N  sends "m0".."m<N-1>"      cmd:big:N  sends N times "x"
///   cmd:close    Server::close(sid)        cmd:stop   Server::stop() (from a fixture thread)
/// and refuses handshakes whose query has refuse=1.
///
/// Thread safety: every member is safe from any thread.
class EchoServer {
  public:
    /// Starts the server (listen on 127.0.0.1:0 + start()); path defaults to /engine.io/.
    explicit EchoServer(engineio::ServerOptions options = {});
    ~EchoServer();
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    engineio::Server& server() { return *server_; }
    std::uint16_t port() const { return server_->port(); }
    /// "http://127.0.0.1:PORT/engine.io/" (https with TLS).
    std::string base_url() const;

    /// Sids in the order on_connect accepted them.
    std::vector<std::string> connected() const;
    /// Handshakes refused by on_connect (refuse=1).
    int refused() const;
    /// A copy of the record of a sid (an empty record if there is none).
    SessionRecord record(const std::string& sid) const;
    bool has_session(const std::string& sid) const;
    /// How many sessions have ended.
    std::size_t disconnect_count() const;
    /// Waits until the sid's session ended; returns its reason, or nullopt at the timeout.
    std::optional<engineio::DisconnectReason> wait_for_disconnect(
        const std::string& sid, std::chrono::milliseconds timeout = 5s) const;
    /// Waits until `count` messages arrived on the sid; returns them (fewer at the timeout).
    std::vector<Received> wait_for_messages(const std::string& sid, std::size_t count,
                                            std::chrono::milliseconds timeout = 5s) const;
    /// True once a cmd:stop has been carried out (Server::stop() returned).
    bool wait_for_stopped(std::chrono::milliseconds timeout = 5s) const;

    /// Waits until the index-th session connected; returns its sid, or "" at the timeout.
    std::string wait_for_connect(std::size_t index = 0,
                                 std::chrono::milliseconds timeout = 10s) const;

    /// Starts tests/js/engineio/<script>.mjs <base_url> <scenario> <params...> in the background,
    /// for tests that act on the server while the script runs; wait() on it for the result.
    std::unique_ptr<siotest::Process> start_script(
        const std::string& script, const std::string& scenario,
        const std::vector<std::string>& params = {}) const;

    /// Runs tests/js/engineio/<script>.mjs <base_url> <scenario> <params...>.
    siotest::ProcessResult run_script(const std::string& script, const std::string& scenario,
                                      const std::vector<std::string>& params = {},
                                      std::vector<std::pair<std::string, std::string>> env = {},
                                      std::chrono::milliseconds timeout = 20s) const;

  private:
    void on_message(const engineio::SessionPtr& session, std::string_view data, bool binary);
    void stopper();

    bool secure_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<std::string> order_;
    std::map<std::string, SessionRecord> sessions_;
    int refused_ = 0;
    std::size_t disconnects_ = 0;
    bool stop_requested_ = false;
    bool stopped_ = false;
    bool quitting_ = false;
    std::thread stopper_;
    // Last, so it is destroyed first: callbacks may run until it is gone and use the members above.
    std::unique_ptr<engineio::Server> server_;
};

/// The Unicode text the scripts send ("é✓ unicode"), spelled in UTF-8 bytes.
inline const std::string kUnicode = "\xc3\xa9\xe2\x9c\x93 unicode";

/// The sids a script reported with {"event":"open","sid":...}, in order.
std::vector<std::string> reported_sids(const siotest::ProcessResult& result);

// Shared by the polling and WebSocket tests.
inline std::string only_sid(const siotest::ProcessResult& result) {
    auto sids = reported_sids(result);
    return sids.size() == 1 ? sids[0] : std::string{};
}

// Server::send() from a thread that is not a loop (the application's) reaches the client in
// order; send() to an unknown sid reports false.
inline void push_from_test_thread(const std::string& script) {
    EchoServer server;
    auto process = server.start_script(script, "await_push", {"count=3"});
    std::string sid = server.wait_for_connect();
    ASSERT_FALSE(sid.empty()) << process->wait(1s).describe();
    ASSERT_NE(server.server().find(sid), nullptr);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(
            server.server().send(sid, engineio::Message::text("pushed-" + std::to_string(i))));
    }
    EXPECT_TRUE(server.server().send(sid, engineio::Message::binary("\x07\x07\x07")));
    EXPECT_FALSE(server.server().send("no-such-sid", engineio::Message::text("lost")));
    auto result = process->wait(20s);
    ASSERT_TRUE(result.ok()) << result.describe();
}

}  // namespace enginetest

namespace engineio {
/// gtest prints reasons by enumerator name (to_string() folds several into one text).
inline void PrintTo(DisconnectReason reason, std::ostream* os) {
    static constexpr const char* names[] = {"client_close",    "transport_close", "transport_error",
                                            "ping_timeout",    "parse_error",     "server_close",
                                            "server_shutdown", "send_queue_full"};
    auto index = static_cast<std::size_t>(reason);
    *os << (index < std::size(names) ? names[index] : "?");
}
}  // namespace engineio
