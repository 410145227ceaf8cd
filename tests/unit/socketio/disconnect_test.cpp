// Leaving: the disconnect reasons, server-side disconnect, session data, stop().

#include <algorithm>

#include "harness.hpp"

namespace sio_test {
namespace {

using socketio::DisconnectReason;

TEST(Disconnect, ClientNamespaceDisconnect) {
    std::optional<DisconnectReason> reason;
    std::vector<std::string> rooms_during_handler;
    Harness h;
    h.io->on("disconnect", [&](socketio::Socket& s, DisconnectReason r) {
        reason = r;
        rooms_during_handler = s.rooms();
    });
    auto c = h.connected();
    const auto sid = c.sid();
    h.io->enter_room(sid, "r");
    h.poll();
    c.disconnect();
    h.poll();
    EXPECT_EQ(reason, DisconnectReason::client_namespace_disconnect);
    EXPECT_EQ(rooms_during_handler.size(), 2u);  // rooms are left after the handler
    EXPECT_FALSE(h.io->socket(sid));
    EXPECT_FALSE(c.session->closed());  // only the namespace was left
}

TEST(Disconnect, AClientLeavesAndRejoinsNamespacesInAnyOrder) {
    // One client in four namespaces (its socket list outgrows the one handle it keeps inline):
    // leaving one in the middle keeps the others reachable, rejoining it works, and the
    // connection's end disconnects exactly the sockets still connected.
    const std::vector<std::string> names = {"/", "/a", "/b", "/c"};
    std::vector<std::string> left;
    Harness h;
    for (const auto& nsp : names) {
        h.io->of(nsp).on("ping", [nsp](socketio::Socket&) { return nsp; });
        h.io->of(nsp).on("disconnect", [&left, nsp](socketio::Socket&, DisconnectReason r) {
            left.push_back(nsp + ":" + std::string(socketio::to_string(r)));
        });
    }
    auto c = h.accept();
    for (const auto& nsp : names) c.connect(nsp);
    h.poll();
    c.disconnect("/a");
    h.poll();
    EXPECT_EQ(left, std::vector<std::string>{"/a:client namespace disconnect"});
    EXPECT_TRUE(h.io->of("/a").sockets().empty());
    for (const auto& nsp : {"/", "/b", "/c"}) c.emit("ping", json::array(), nsp, /*ack=*/1);
    c.connect("/a");
    c.emit("ping", json::array(), "/a", /*ack=*/2);
    h.poll();
    std::vector<json> acks;
    for (const auto& ack : c.of_type(PacketType::ack)) acks.push_back(ack.data);
    EXPECT_EQ(acks, (std::vector<json>{json::array({"/"}), json::array({"/b"}), json::array({"/c"}),
                                       json::array({"/a"})}));
    left.clear();
    c.session->end(engineio::DisconnectReason::transport_close);
    h.poll();
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{"/:transport close", "/a:transport close",
                                              "/b:transport close", "/c:transport close"}));
}

TEST(Disconnect, TransportReasonsAreMapped) {
    const std::pair<engineio::DisconnectReason, DisconnectReason> cases[] = {
        {engineio::DisconnectReason::transport_close, DisconnectReason::transport_close},
        {engineio::DisconnectReason::client_close, DisconnectReason::transport_close},
        {engineio::DisconnectReason::ping_timeout, DisconnectReason::ping_timeout},
        {engineio::DisconnectReason::transport_error, DisconnectReason::transport_error},
        {engineio::DisconnectReason::parse_error, DisconnectReason::parse_error},
        {engineio::DisconnectReason::server_shutdown, DisconnectReason::server_shutting_down},
        {engineio::DisconnectReason::server_close, DisconnectReason::forced_server_close},
    };
    for (const auto& [engine_reason, expected] : cases) {
        std::vector<DisconnectReason> seen;
        Harness h;
        h.io->of("/other");
        h.io->on("disconnect", [&](socketio::Socket&, DisconnectReason r) { seen.push_back(r); });
        h.io->of("/other").on("disconnect",
                              [&](socketio::Socket&, DisconnectReason r) { seen.push_back(r); });
        auto c = h.accept();
        c.connect("/");
        c.connect("/other");
        h.poll();
        c.session->end(engine_reason);
        h.poll();
        EXPECT_EQ(seen, (std::vector<DisconnectReason>{expected, expected})) << to_string(expected);
        EXPECT_TRUE(h.io->of("/").sockets().empty());
    }
    EXPECT_EQ(socketio::to_string(DisconnectReason::ping_timeout), "ping timeout");
    EXPECT_EQ(socketio::to_string(DisconnectReason::client_namespace_disconnect),
              "client namespace disconnect");
}

TEST(Disconnect, ServerDisconnectSendsDisconnectPacket) {
    std::optional<DisconnectReason> reason;
    Harness h;
    h.io->on("disconnect", [&](socketio::Socket&, DisconnectReason r) { reason = r; });
    auto c = h.connected();
    EXPECT_TRUE(h.io->disconnect(c.sid()));
    h.poll();
    auto packets = c.of_type(PacketType::disconnect);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(packets[0].nsp, "/");
    EXPECT_EQ(reason, DisconnectReason::server_namespace_disconnect);
    EXPECT_FALSE(c.session->closed());
    EXPECT_FALSE(h.io->disconnect("no-such-sid"));
}

TEST(Disconnect, ServerDisconnectWithCloseClosesTheConnection) {
    std::vector<std::string> seen;
    Harness h;
    h.io->of("/other");
    h.io->on("disconnect", [&](socketio::Socket& s, DisconnectReason r) {
        seen.push_back(s.nsp_name() + ":" + std::string(to_string(r)));
    });
    h.io->of("/other").on("disconnect", [&](socketio::Socket& s, DisconnectReason r) {
        seen.push_back(s.nsp_name() + ":" + std::string(to_string(r)));
    });
    auto c = h.accept();
    c.connect("/");
    c.connect("/other");
    h.poll();
    h.io->disconnect(c.sid(), "/", true);
    h.poll();
    EXPECT_TRUE(c.session->closed());
    EXPECT_EQ(seen, (std::vector<std::string>{"/:server namespace disconnect",
                                              "/other:forced server close"}));
}

TEST(Disconnect, SocketDisconnectFromHandler) {
    Harness h;
    h.io->on("bye", [](socketio::Socket& s) { s.disconnect(); });
    auto c = h.connected();
    c.emit("bye");
    h.poll();
    EXPECT_EQ(c.of_type(PacketType::disconnect).size(), 1u);
    EXPECT_TRUE(h.io->of("/").sockets().empty());
}

TEST(Disconnect, EmitsAfterDisconnectAreDropped) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    c.disconnect();
    h.poll();
    EXPECT_FALSE(socket.connected());
    const auto before = c.session->sent().size();
    socket.emit("late");
    h.poll();
    EXPECT_EQ(c.session->sent().size(), before);
}

TEST(Disconnect, StopDisconnectsEverySocket) {
    std::vector<DisconnectReason> seen;
    Harness h;
    h.io->on("disconnect", [&](socketio::Socket&, DisconnectReason r) { seen.push_back(r); });
    auto a = h.connected("/", 0);
    auto b = h.connected("/", 1);
    h.io->stop();
    h.poll();
    EXPECT_EQ(seen, (std::vector<DisconnectReason>{DisconnectReason::server_shutting_down,
                                                   DisconnectReason::server_shutting_down}));
    EXPECT_TRUE(a.session->closed());
    EXPECT_TRUE(b.session->closed());
}

TEST(Session, DataTransportAndLookups) {
    Harness h;
    h.io->on("store", [](socketio::Socket& s, const json& v) {
        auto data = s.get_session();
        data["value"] = v;
        s.save_session(data);
    });
    auto c = h.connected();
    const auto sid = c.sid();
    EXPECT_EQ(h.io->get_session(sid), json::object());
    c.emit("store", {42});
    h.poll();
    EXPECT_EQ(h.io->get_session(sid), json({{"value", 42}}));
    EXPECT_TRUE(h.io->save_session(sid, {{"other", true}}));
    EXPECT_EQ(h.io->socket(sid)->get_session(), json({{"other", true}}));
    EXPECT_EQ(h.io->transport(sid), "websocket");
    EXPECT_EQ(h.io->transport("unknown"), "");
    EXPECT_FALSE(h.io->save_session("unknown", {}));
    EXPECT_EQ(h.io->socket(sid)->engine_sid(), c.session->sid());
}

TEST(Session, BackgroundTaskSleepsUntilStop) {
    std::atomic<int> ticks{0};
    std::atomic<bool> finished{false};
    Harness h;
    h.io->start_background_task([&] {
        while (h.io->sleep(5ms)) ++ticks;
        finished = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (ticks < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    EXPECT_GE(ticks.load(), 3);
    h.io->stop();
    h.io.reset();  // joins the task
    EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace sio_test
