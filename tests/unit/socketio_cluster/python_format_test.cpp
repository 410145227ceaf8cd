// python-socketio's wire format, both ways: the exact JSON python-socketio 5.x's PubSubManager
// publishes (json.dumps of its message dicts, pubsub_manager.py) is delivered by our servers,
// and what ours publish has the fields, types and meaning its _handle_emit / _handle_disconnect /
// _handle_enter_room / _handle_leave_room / _handle_close_room / _handle_callback read.

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <sys/wait.h>

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

// A python host id: uuid.uuid4().hex.
const std::string py_host = "5f0c1d2e3a4b4c5d8e9f00112233aabb";

std::string py_emit(const std::string& event, const std::string& data, const std::string& room,
                    const std::string& skip_sid, const std::string& callback = "null",
                    const std::string& nsp = "/") {
    // json.dumps's default separators: ", " and ": ", keys in the dict's order.
    return R"({"method": "emit", "event": ")" + event + R"(", "data": )" + data +
           R"(, "namespace": ")" + nsp + R"(", "room": )" + room + R"(, "skip_sid": )" + skip_sid +
           R"(, "callback": )" + callback + R"(, "host_id": ")" + py_host + R"("})";
}

struct PythonFormat : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Peer python = cluster.peer();
};

TEST_F(PythonFormat, EmitToEveryone) {
    auto a1 = join(a), a2 = join(a, 1);
    python.publish(py_emit("news", R"("hello")", "null", "null"));
    cluster.poll();
    EXPECT_EQ(a1.client.events("news"), std::vector<json>{json::array({"hello"})});
    EXPECT_EQ(a2.client.events("news"), std::vector<json>{json::array({"hello"})});
}

TEST_F(PythonFormat, DataIsOneArgumentNoneIsNoArgumentATupleArrivesAsAList) {
    auto a1 = join(a);
    python.publish(py_emit("obj", R"({"a": 1, "b": [true, null]})", "null", "null"));
    python.publish(py_emit("none", "null", "null", "null"));     // emit("none") with data=None
    python.publish(py_emit("tuple", "[1, 2]", "null", "null"));  // data=(1, 2) after json.dumps
    cluster.poll();
    EXPECT_EQ(a1.client.events("obj").at(0),
              json::array({json{{"a", 1}, {"b", json::array({true, nullptr})}}}));
    EXPECT_EQ(a1.client.events("none").at(0), json::array());
    EXPECT_EQ(a1.client.events("tuple").at(0), json::array({json::array({1, 2})}));
}

TEST_F(PythonFormat, EmitToARoomOrASidWithSkipSid) {
    auto a1 = join(a), a2 = join(a), a3 = join(a);
    a.io().enter_room(a1.sid, "team");
    a.io().enter_room(a2.sid, "team");
    cluster.poll();
    python.publish(py_emit("t", "1", R"("team")", "\"" + a1.sid + "\""));
    python.publish(py_emit("s", "2", "\"" + a3.sid + "\"", "null"));
    python.publish(py_emit("l", "3", R"(["team", ")" + a3.sid + R"("])", "[\"" + a2.sid + "\"]"));
    cluster.poll();
    EXPECT_TRUE(a1.client.events("t").empty());
    EXPECT_EQ(a2.client.events("t").size(), 1u);
    EXPECT_TRUE(a3.client.events("t").empty());
    EXPECT_EQ(a3.client.events("s").size(), 1u);
    EXPECT_TRUE(a1.client.events("s").empty());
    EXPECT_EQ(a1.client.events("l").size(), 1u);
    EXPECT_TRUE(a2.client.events("l").empty());
    EXPECT_EQ(a3.client.events("l").size(), 1u);
}

TEST_F(PythonFormat, OtherNamespaceAndUnknownNamespace) {
    a.io().of("/chat");
    auto chat = join(a, 0, "/chat");
    python.publish(py_emit("c", "1", "null", "null", "null", "/chat"));
    python.publish(py_emit("c", "2", "null", "null", "null", "/nowhere"));
    cluster.poll();
    EXPECT_EQ(chat.client.events("c", "/chat"), std::vector<json>{json::array({1})});
}

TEST_F(PythonFormat, EmitWithCallbackAnswersWithPythonsCallbackMessage) {
    auto a1 = join(a);
    python.publish(
        py_emit("ask", R"("q")", "\"" + a1.sid + "\"", "null", "[\"" + a1.sid + "\", \"/\", 7]"));
    cluster.poll();
    auto events = a1.client.of_type(PacketType::event);
    ASSERT_EQ(events.size(), 1u);
    ASSERT_TRUE(events[0].id);
    a1.client.ack(*events[0].id, json::array({"yes", 2}));
    cluster.poll();
    auto callbacks = python.messages("callback");
    ASSERT_EQ(callbacks.size(), 1u);
    const json& cb = callbacks[0];
    // _handle_callback: host_id must be the asking host; then message["sid"], ["id"], ["args"]
    // go to trigger_callback(sid, id, args), which calls callback(*args).
    EXPECT_EQ(cb.at("host_id"), py_host);
    EXPECT_EQ(cb.at("sid"), a1.sid);
    EXPECT_EQ(cb.at("namespace"), "/");
    EXPECT_EQ(cb.at("id"), 7);
    EXPECT_EQ(cb.at("args"), json::array({"yes", 2}));
}

TEST_F(PythonFormat, DisconnectEnterLeaveAndCloseRoom) {
    auto a1 = join(a), a2 = join(a);
    python.publish(R"({"method": "enter_room", "sid": ")" + a1.sid +
                   R"(", "room": "r", "namespace": "/", "host_id": ")" + py_host + R"("})");
    python.publish(R"({"method": "enter_room", "sid": ")" + a2.sid +
                   R"(", "room": "r", "namespace": "/", "host_id": ")" + py_host + R"("})");
    cluster.poll();
    EXPECT_EQ(a.io().of("/").sockets("r").size(), 2u);
    python.publish(R"({"method": "leave_room", "sid": ")" + a1.sid +
                   R"(", "room": "r", "namespace": "/", "host_id": ")" + py_host + R"("})");
    cluster.poll();
    EXPECT_EQ(a.io().of("/").sockets("r"), std::vector<std::string>{a2.sid});
    python.publish(R"({"method": "close_room", "room": "r", "namespace": "/", "host_id": ")" +
                   py_host + R"("})");
    cluster.poll();
    EXPECT_TRUE(a.io().of("/").sockets("r").empty());
    python.publish(R"({"method": "disconnect", "sid": ")" + a2.sid +
                   R"(", "namespace": "/", "host_id": ")" + py_host + R"("})");
    cluster.poll();
    EXPECT_EQ(a2.client.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(a1.client.of_type(PacketType::disconnect).empty());
}

TEST_F(PythonFormat, WhatWePublishIsWhatPythonReads) {
    const std::string& host = a.io().of("/").server_id();
    a.io().emit("all", "x");
    a.io().to("room1").except("sid9").emit("one-room", 1);
    a.io().to({"r1", "r2"}).except({"s1", "s2"}).emit("lists");
    a.io().emit("several", 1, 2);
    a.io().enter_room("remote-sid", "vip");  // not ours: published
    a.io().leave_room("remote-sid", "vip");
    a.io().disconnect("remote-sid");
    a.io().close_room("vip");
    cluster.poll();

    auto emits = python.messages("emit");
    ASSERT_EQ(emits.size(), 4u);
    for (const auto& m : emits) {
        // _handle_emit: message["event"], message["data"], .get("namespace"), .get("room"),
        // .get("skip_sid"), .get("callback"), .get("host_id").
        for (const char* key :
             {"method", "event", "data", "namespace", "room", "skip_sid", "callback", "host_id"}) {
            EXPECT_TRUE(m.contains(key)) << key << " in " << m.dump();
        }
        EXPECT_TRUE(m["event"].is_string());
        EXPECT_EQ(m["namespace"], "/");
        EXPECT_TRUE(m["callback"].is_null());
        EXPECT_EQ(m["host_id"], host);
    }
    EXPECT_EQ(emits[0]["event"], "all");
    EXPECT_EQ(emits[0]["data"], "x");  // one argument: as it is
    EXPECT_TRUE(emits[0]["room"].is_null());
    EXPECT_TRUE(emits[0]["skip_sid"].is_null());
    EXPECT_EQ(emits[1]["room"], "room1");
    EXPECT_EQ(emits[1]["skip_sid"], "sid9");
    EXPECT_EQ(emits[1]["data"], 1);
    EXPECT_EQ(emits[2]["room"], json::array({"r1", "r2"}));
    EXPECT_EQ(emits[2]["skip_sid"], json::array({"s1", "s2"}));
    EXPECT_TRUE(emits[2]["data"].is_null());  // no argument: None
    EXPECT_EQ(emits[3]["data"], json::array({1, 2}));
    EXPECT_EQ(emits[3]["cpp_args"], true);  // several arguments: ours know

    auto enter = python.messages("enter_room");
    ASSERT_EQ(enter.size(), 1u);
    EXPECT_EQ(enter[0], (json{{"method", "enter_room"},
                              {"sid", "remote-sid"},
                              {"room", "vip"},
                              {"namespace", "/"},
                              {"host_id", host}}));
    auto leave = python.messages("leave_room");
    ASSERT_EQ(leave.size(), 1u);
    EXPECT_EQ(leave[0], (json{{"method", "leave_room"},
                              {"sid", "remote-sid"},
                              {"room", "vip"},
                              {"namespace", "/"},
                              {"host_id", host}}));
    auto disconnect = python.messages("disconnect");
    ASSERT_EQ(disconnect.size(), 1u);
    EXPECT_EQ(disconnect[0], (json{{"method", "disconnect"},
                                   {"sid", "remote-sid"},
                                   {"namespace", "/"},
                                   {"host_id", host}}));
    auto close = python.messages("close_room");
    ASSERT_EQ(close.size(), 1u);
    EXPECT_EQ(
        close[0],
        (json{{"method", "close_room"}, {"room", "vip"}, {"namespace", "/"}, {"host_id", host}}));
}

// The real thing: python-socketio's own PubSubManager (Debian's python3-socketio) reads what we
// published and acts on its sockets as it would for a python peer.
TEST_F(PythonFormat, PythonSocketioActsOnWhatWePublish) {
    a.io().emit("all", "x");
    a.io().to("team").except("p2").emit("team-news", json{{"n", 1}});
    a.io().emit("none");
    a.io().emit("several", 1, 2);
    a.io().disconnect("p3");  // not ours: published for whoever holds it
    a.io().close_room("team");
    cluster.poll();
    auto file = std::filesystem::temp_directory_path() /
                ("sio_cluster_messages_" + std::to_string(::getpid()) + ".txt");
    {
        std::ofstream out(file);
        for (const auto& payload : *python.received) out << payload << "\n";
    }
    const std::string command =
        std::string("/usr/bin/python3 ") + SIO_PYTHON_REPLAY + " " + file.string() +
        R"( '[{"sid": "p1", "rooms": ["team"]}, {"sid": "p2", "rooms": ["team"]}, {"sid": "p3"}]')";
    std::string output;
    int status = -1;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
        status = ::pclose(pipe);
    }
    std::filesystem::remove(file);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
        GTEST_SKIP() << "python3-socketio is not installed";
    }
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
    const json result = json::parse(output);

    auto delivered = [&](const std::string& event) {
        std::vector<std::pair<std::string, json>> to;
        for (const auto& e : result.at("emits")) {
            if (e.at("event") == event) to.emplace_back(e.at("to"), e.at("args"));
        }
        std::sort(to.begin(), to.end());
        return to;
    };
    using To = std::vector<std::pair<std::string, json>>;
    EXPECT_EQ(
        delivered("all"),
        (To{{"p1", json::array({"x"})}, {"p2", json::array({"x"})}, {"p3", json::array({"x"})}}));
    EXPECT_EQ(delivered("team-news"), (To{{"p1", json::array({json{{"n", 1}}})}}));
    EXPECT_EQ(delivered("none"),
              (To{{"p1", json::array()}, {"p2", json::array()}, {"p3", json::array()}}));
    // Several arguments: python servers deliver the list as one argument (docs/cluster.md).
    EXPECT_EQ(delivered("several").at(0).second, json::array({json::array({1, 2})}));
    EXPECT_EQ(result.at("disconnects"), json::array({json{{"sid", "p3"}, {"namespace", "/"}}}));
    EXPECT_FALSE(result.at("rooms").contains("team"));  // close_room reached it
    EXPECT_TRUE(result.at("rooms").contains("p1"));
}

}  // namespace
}  // namespace sio_test
