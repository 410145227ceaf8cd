#pragma once
// What the cluster interop tests share: a redis-server, one of our servers joined to it with
// redis_adapter() and listening on a free port, and socket.io-client clients of it
// (tests/js/emitter/listen.mjs) whose received events the test reads.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "driver_fixture.hpp"
#include "socketio/redis.hpp"
#include "socketio/socketio.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"
#include "support/redis_server.hpp"

namespace redistest {

using socketio::json;

/// Waits until `channel` has at least `count` subscribers on the Redis at `url` (the servers
/// that must hear what a test publishes next have subscribed); false after 20 s.
inline bool wait_for_subscribers(const std::string& url, const std::string& channel,
                                 std::size_t count) {
    IoThread io;
    Recorder states;
    auto driver = socketio::make_redis_driver(io.executor(), {.url = url, .subscriber = false});
    driver->start({}, states.on_state());
    if (!states.wait_for_state(socketio::DriverState::connected, 1, 20s)) return false;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto n = count_subscribers(*driver, channel);
        if (n && *n >= count) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

/// Our server in a Redis cluster: "/" and "/chat" each answer "join" (a list of rooms) by
/// joining them and acking with the socket's sid.
/// A test with a real redis-server of its own and Node (the socket.io-client clients); skipped
/// when either is missing.
class RedisWithNode : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
        redis_.start();
    }
    siotest::RedisServerProcess redis_;
};

class ClusterServer {
  public:
    ClusterServer(const std::string& redis_url, socketio::ClusterOptions cluster = {}) {
        io_ = std::make_unique<socketio::Server>(
            socketio::ServerOptions{.adapter = socketio::redis_adapter(redis_url, cluster)});
        for (const char* nsp : {"/", "/chat"}) {
            io_->of(nsp).on("join", [](socketio::Socket& s, std::vector<std::string> rooms) {
                s.join(rooms);
                return s.sid();
            });
        }
        io_->listen("127.0.0.1", 0);
        io_->start();
    }
    ~ClusterServer() { io_->stop(); }

    socketio::Server& io() { return *io_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(io_->port()); }

  private:
    std::unique_ptr<socketio::Server> io_;
};

/// A socket.io-client client: started, then ready (connected, in its rooms) with its sid.
class Listener {
  public:
    /// Waits for `events` events after joining `rooms` of `nsp`.
    Listener(const std::string& server_url, const std::string& nsp,
             const std::vector<std::string>& rooms, std::size_t events) {
        std::string room_list;
        for (const auto& r : rooms) room_list += (room_list.empty() ? "" : ",") + r;
        if (room_list.empty()) room_list = "-";
        process_ = std::make_unique<siotest::Process>(siotest::ProcessOptions{
            .argv = {siotest::node_executable(), siotest::js_path("emitter/listen.mjs"), server_url,
                     nsp, room_list, std::to_string(events)},
            .cwd = siotest::js_dir()});
    }
    /// The client's sid once it joined its rooms; empty when it did not within 20 s.
    std::string ready() {
        auto line = process_->wait_for_line("\"ready\"", 20s);
        if (!line) return {};
        return json::parse(*line).at("sid").get<std::string>();
    }
    /// Waits for the client to exit; returns the events it got as [name, args…] arrays.
    std::vector<json> events(std::string* failure = nullptr) {
        auto result = process_->wait(30s);
        std::vector<json> got;
        std::size_t start = 0;
        while (start < result.out.size()) {
            auto end = result.out.find('\n', start);
            if (end == std::string::npos) end = result.out.size();
            auto line = json::parse(result.out.substr(start, end - start), nullptr, false);
            start = end + 1;
            if (!line.is_object() || line.value("event", "") != "got") continue;
            json event = json::array({line.at("name")});
            for (const auto& arg : line.at("args")) event.push_back(arg);
            got.push_back(std::move(event));
        }
        if (failure && !result.ok()) *failure = result.describe();
        return got;
    }

  private:
    std::unique_ptr<siotest::Process> process_;
};

}  // namespace redistest
