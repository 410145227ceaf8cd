// python-socketio's ways that need more than JSON: an emit with an ack to one sid travels in
// python's callback form ([room, namespace, id], answered by "callback" messages addressed to the
// asker), so a python server holding the sid answers it; and a pickled emit whose data is a
// tuple gives several arguments, a list one, as python servers deliver them.

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

const std::string py_host = "5f0c1d2e3a4b4c5d8e9f00112233aabb";

std::string unhex(std::string_view hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return bytes;
}

struct PythonCallback : ::testing::Test {
    ClusterHarness cluster;
    ClusterHarness::Node& a = cluster.add();
    ClusterHarness::Peer python = cluster.peer();
};

TEST_F(PythonCallback, AnAckToASidOfAPythonServerGetsItsCallback) {
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").to("py-sid").timeout(5s).emit_args_with_acks(
        "ask", json::array({"q"}), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    EXPECT_FALSE(result) << "a python server may hold the sid: wait for its answer";

    auto emits = python.messages("emit");
    ASSERT_EQ(emits.size(), 1u);
    const json& emit = emits[0];
    // What python's _handle_emit reads, with the callback its partial(_return_callback, …) keeps.
    EXPECT_EQ(emit["event"], "ask");
    EXPECT_EQ(emit["data"], "q");
    EXPECT_EQ(emit["room"], "py-sid");
    EXPECT_EQ(emit["host_id"], a.io().of("/").server_id());
    ASSERT_TRUE(emit["callback"].is_array());
    ASSERT_EQ(emit["callback"].size(), 3u);
    EXPECT_EQ(emit["callback"][0], "py-sid");
    EXPECT_EQ(emit["callback"][1], "/");
    ASSERT_TRUE(emit["callback"][2].is_number_integer());

    // python's _return_callback(host_id, sid, namespace, callback_id, *args), another host's
    // answer first (ignored), then ours.
    json callback = {{"method", "callback"},      {"host_id", py_host},
                     {"sid", "py-sid"},           {"namespace", "/"},
                     {"id", emit["callback"][2]}, {"args", {"not", "ours"}}};
    python.publish(callback.dump());
    cluster.poll();
    EXPECT_FALSE(result);
    callback["host_id"] = a.io().of("/").server_id();
    callback["args"] = json::array({"yes", 2});
    python.publish(callback.dump());
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec) << result->ec.message();
    EXPECT_EQ(result->expected, 1u);
    ASSERT_EQ(result->acks.size(), 1u);
    EXPECT_EQ(result->acks[0].sid, "py-sid");
    EXPECT_EQ(result->acks[0].args, json::array({"yes", 2}));
}

TEST_F(PythonCallback, ASidNoServerHoldsTimesOutWithNoRecipient) {
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").to("gone").timeout(50ms).emit_args_with_acks(
        "ask", json::array(), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->ec, socketio::error::ack_timeout);
    EXPECT_EQ(result->expected, 0u);
    EXPECT_TRUE(result->acks.empty());
}

TEST_F(PythonCallback, BetweenOurServersTheCountStillCompletesIt) {
    auto& b = cluster.add();
    auto b1 = join(b);
    a.io().enter_room(b1.sid, "solo");  // not a's: published
    cluster.poll();
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").to("solo").timeout(5s).emit_args_with_acks(
        "ask", json::array({1}), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    auto asked = b1.client.of_type(PacketType::event);
    ASSERT_EQ(asked.size(), 1u);
    ASSERT_TRUE(asked[0].id);
    b1.client.ack(*asked[0].id, json::array({"ok"}));
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->ec) << result->ec.message();
    EXPECT_EQ(result->expected, 1u);
    ASSERT_EQ(result->acks.size(), 1u);
    EXPECT_EQ(result->acks[0].sid, b1.sid);  // ours report the socket's own sid
    EXPECT_TRUE(python.messages("callback").empty()) << "ours answer with cpp: messages";
}

TEST_F(PythonCallback, AMalformedCallbackIsSkipped) {
    std::optional<socketio::BroadcastAcks> result;
    a.io().of("/").to("py-sid").timeout(100ms).emit_args_with_acks(
        "ask", json::array(), [&](socketio::BroadcastAcks r) { result = std::move(r); });
    cluster.poll();
    const std::string host = a.io().of("/").server_id();
    python.publish(json{{"method", "callback"}, {"host_id", host}, {"id", "x"}}.dump());
    python.publish(json{{"method", "callback"}, {"host_id", host}, {"id", 1}, {"args", 3}}.dump());
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->ec, socketio::error::ack_timeout);
    EXPECT_TRUE(result->acks.empty());
}

TEST_F(PythonCallback, APickledTupleIsSeveralArgumentsAListOne) {
    auto a1 = join(a);
    // pickle.dumps of RedisManager messages (python 3.11): data=(1, 'two') protocol 4,
    // data=[1, 'two'] protocol 4, data=('one',) protocol 2.
    python.publish(unhex(
        "8004958f000000000000007d94288c066d6574686f64948c04656d6974948c056576656e74948c0174948c04"
        "64617461944b018c0374776f9486948c096e616d657370616365948c012f948c04726f6f6d944e8c08736b69"
        "705f736964944e8c0863616c6c6261636b944e8c07686f73745f6964948c2035663063316432653361346234"
        "6335643865396630303131323233336161626294752e"));
    python.publish(unhex(
        "80049591000000000000007d94288c066d6574686f64948c04656d6974948c056576656e74948c016c948c04"
        "64617461945d94284b018c0374776f94658c096e616d657370616365948c012f948c04726f6f6d944e8c0873"
        "6b69705f736964944e8c0863616c6c6261636b944e8c07686f73745f6964948c203566306331643265336134"
        "62346335643865396630303131323233336161626294752e"));
    python.publish(unhex(
        "80027d71002858060000006d6574686f6471015804000000656d6974710258050000006576656e7471035801"
        "0000006f7104580400000064617461710558030000006f6e65710685710758090000006e616d657370616365"
        "710858010000002f71095804000000726f6f6d710a4e5808000000736b69705f736964710b4e580800000063"
        "616c6c6261636b710c4e5807000000686f73745f6964710d5820000000356630633164326533613462346335"
        "643865396630303131323233336161626"
        "2710e752e"));
    cluster.poll();
    EXPECT_EQ(a1.client.events("t"), std::vector<json>{json::array({1, "two"})});
    EXPECT_EQ(a1.client.events("l"), std::vector<json>{json::array({json::array({1, "two"})})});
    EXPECT_EQ(a1.client.events("o"), std::vector<json>{json::array({"one"})});
}

}  // namespace
}  // namespace sio_test
