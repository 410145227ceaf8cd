// A python-socketio server (Debian's python3-socketio, RedisManager) and ours in one Redis
// cluster: what our Emitter and our server publish reaches the python server's own clients, and
// an emit with an ack from our server to a sid the python server holds gets its answer back
// (python's callback form).

#include <algorithm>

#include "cluster_server_fixture.hpp"

namespace redistest {
namespace {

class PythonServerInterop : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
        const auto probe = siotest::run_process(
            {.argv = {siotest::python_executable(), "-c", "import redis, socketio, requests"}},
            20s);
        if (!probe.ok()) GTEST_SKIP() << "python3-socketio / python3-redis missing: " << probe.err;
        redis_.start();
    }

    /// The python server with its client in `room`, waiting for `events` events.
    std::unique_ptr<siotest::Process> python_peer(const std::string& room, std::size_t events) {
        return std::make_unique<siotest::Process>(siotest::ProcessOptions{
            .argv = {siotest::python_executable(), SIO_PYTHON_SERVER_PEER, redis_.url(), "socketio",
                     room, std::to_string(events)}});
    }
    static std::string ready_sid(siotest::Process& peer) {
        auto line = peer.wait_for_line("\"ready\"", 30s);
        return line ? json::parse(*line).at("sid").get<std::string>() : std::string();
    }
    /// The events the python client reported, as [name, args…], sorted (python's client runs
    /// each handler on a thread of its own, so their order is not the order of arrival).
    static std::vector<json> events(siotest::Process& peer, std::string& failure) {
        auto result = peer.wait(40s);
        if (!result.ok()) failure = result.describe();
        std::vector<json> got;
        std::istringstream lines(result.out);
        for (std::string line; std::getline(lines, line);) {
            auto j = json::parse(line, nullptr, false);
            if (!j.is_object() || j.value("event", "") != "got") continue;
            json event = json::array({j.at("name")});
            for (const auto& arg : j.at("args")) event.push_back(arg);
            got.push_back(std::move(event));
        }
        std::sort(got.begin(), got.end());
        return got;
    }

    siotest::RedisServerProcess redis_;
};

TEST_F(PythonServerInterop, OurEmitterAndServerReachThePythonServersClients) {
    ClusterServer ours(redis_.url());
    auto peer = python_peer("r1", 5);
    const std::string py_sid = ready_sid(*peer);
    ASSERT_FALSE(py_sid.empty()) << peer->err();
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 2));

    auto emitter = socketio::redis_emitter(redis_.url());
    emitter.to("r1").emit("e1", json{{"a", 1}, {"b", json::array({true, nullptr})}});
    emitter.emit("e2");
    emitter.except("nobody").emit("e3", 1, "two");  // several: a python server sends one list
    emitter.to("elsewhere").emit("not-for-it");
    ASSERT_FALSE(emitter.flush(10s));
    ours.io().to(py_sid).emit("e4", "x");
    ours.io().to("r1").emit("e5", 5);

    std::string failure;
    EXPECT_EQ(events(*peer, failure),
              (std::vector<json>{json::array({"e1", {{"a", 1}, {"b", {true, nullptr}}}}),
                                 json::array({"e2"}), json::array({"e3", {1, "two"}}),
                                 json::array({"e4", "x"}), json::array({"e5", 5})}))
        << failure;
}

TEST_F(PythonServerInterop, AnAckFromASidThePythonServerHolds) {
    ClusterServer ours(redis_.url());
    auto peer = python_peer("r1", 1);
    const std::string py_sid = ready_sid(*peer);
    ASSERT_FALSE(py_sid.empty()) << peer->err();
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 2));

    std::promise<socketio::BroadcastAcks> answer;
    ours.io().of("/").to(py_sid).timeout(20s).emit_args_with_acks(
        "ask", json::array({json{{"q", 2}}}),
        [&](socketio::BroadcastAcks acks) { answer.set_value(std::move(acks)); });
    auto future = answer.get_future();
    ASSERT_EQ(future.wait_for(30s), std::future_status::ready);
    auto acks = future.get();
    EXPECT_FALSE(acks.ec) << acks.ec.message();
    EXPECT_EQ(acks.expected, 1u);
    ASSERT_EQ(acks.acks.size(), 1u);
    // python's callback names the room it was asked for: here the sid.
    EXPECT_EQ(acks.acks[0].sid, py_sid);
    // The client's handler returned ("answer", name, *args): python acks with each element.
    EXPECT_EQ(acks.acks[0].args, json::array({"answer", "ask", {{"q", 2}}}));
    std::string failure;
    EXPECT_EQ(events(*peer, failure), (std::vector<json>{json::array({"ask", {{"q", 2}}})}))
        << failure;
}

}  // namespace
}  // namespace redistest
