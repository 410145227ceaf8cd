#pragma once
// Several detached servers (sio_test::Harness) joined by loopback drivers of one broker, all
// polled by the test thread; and a "python" peer: a raw driver on the same channel that
// publishes and records messages as a python-socketio server would.

#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "socketio/cluster_adapter.hpp"
#include "socketio/loopback_driver.hpp"

namespace sio_test {

class ClusterHarness {
  public:
    struct Node {
        std::shared_ptr<socketio::LoopbackDriver> driver;
        std::unique_ptr<Harness> harness;
        socketio::Server& io() { return *harness->io; }
    };

    /// A server joined to the cluster (driver handlers on the broker's loop).
    Node& add(socketio::ClusterOptions options = {}, socketio::LoopbackDriverOptions driver = {}) {
        auto d = broker->make_driver(broker_loop.get_executor(), driver);
        socketio::ServerOptions server_options;
        server_options.adapter = socketio::cluster_adapter(d, std::move(options));
        nodes.push_back(
            std::make_unique<Node>(Node{d, std::make_unique<Harness>(std::move(server_options))}));
        poll();
        return *nodes.back();
    }

    /// Runs the broker's loop and every server's loops until nothing is left to do.
    void poll() {
        int idle_rounds = 0;
        for (int round = 0; round < 200 && idle_rounds < 2; ++round) {
            std::size_t ran = broker_loop.poll();
            broker_loop.restart();
            for (auto& node : nodes) node->harness->poll();
            idle_rounds = ran == 0 ? idle_rounds + 1 : 0;
        }
    }
    /// Polls until `done()` or 5 s (for timers).
    bool poll_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline) {
            poll();
            if (done()) return true;
            std::this_thread::sleep_for(2ms);
        }
        return done();
    }

    /// A raw driver on `channel` that records what it receives (the "python server").
    struct Peer {
        std::shared_ptr<socketio::LoopbackDriver> driver;
        std::shared_ptr<std::vector<std::string>> received =
            std::make_shared<std::vector<std::string>>();
        void publish(const std::string& payload, const std::string& channel = "socketio") {
            driver->publish(channel, payload);
        }
        /// Received messages with this "method", parsed.
        std::vector<socketio::json> messages(const std::string& method) const {
            std::vector<socketio::json> result;
            for (const auto& p : *received) {
                auto j = socketio::json::parse(p, nullptr, false);
                if (j.is_object() && j.value("method", "") == method) result.push_back(j);
            }
            return result;
        }
    };
    Peer peer(const std::string& channel = "socketio") {
        Peer p{broker->make_driver(broker_loop.get_executor())};
        p.driver->subscribe({channel});
        p.driver->start([received = p.received](std::string_view, std::string_view payload) {
            received->emplace_back(payload);
        });
        return p;
    }

    // Declared first: destroyed last, after the servers that post to it.
    boost::asio::io_context broker_loop;
    std::shared_ptr<socketio::LoopbackBroker> broker = socketio::LoopbackBroker::create();
    std::vector<std::unique_ptr<Node>> nodes;

    ~ClusterHarness() {
        // Servers first (their adapters say goodbye through the broker), then the broker's loop.
        while (!nodes.empty()) nodes.pop_back();
    }
};

/// One server's connected client with its sid.
struct Member {
    FakeClient client;
    std::string sid;
};
inline Member join(ClusterHarness::Node& node, std::size_t loop = 0, const std::string& nsp = "/") {
    auto client = node.harness->connected(nsp, loop);
    auto sid = client.sid(nsp);
    return Member{std::move(client), sid};
}

}  // namespace sio_test
