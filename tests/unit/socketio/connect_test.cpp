// Connecting to namespaces: CONNECT, refusals, unknown and dynamic namespaces, auth, handshake,
// the connect timeout (connect.timeout), connect.always.

#include "harness.hpp"

namespace sio_test {
namespace {

TEST(Connect, MainNamespaceGetsConnectWithSid) {
    Harness h;
    std::string seen_sid;
    h.io->on("connect", [&](socketio::Socket& s) { seen_sid = s.sid(); });
    auto c = h.accept();
    c.connect();
    h.poll();
    auto connects = c.of_type(PacketType::connect);
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_EQ(connects[0].nsp, "/");
    const std::string sid = connects[0].data.at("sid");
    EXPECT_EQ(sid.size(), 15u);
    EXPECT_EQ(sid, seen_sid);
    EXPECT_NE(sid, c.session->sid());  // a Socket.IO sid is not the Engine.IO sid
}

TEST(Connect, EachNamespaceHasItsOwnSid) {
    Harness h;
    h.io->of("/admin");
    auto c = h.accept();
    c.connect("/");
    c.connect("/admin");
    h.poll();
    EXPECT_FALSE(c.sid("/").empty());
    EXPECT_FALSE(c.sid("/admin").empty());
    EXPECT_NE(c.sid("/"), c.sid("/admin"));
}

TEST(Connect, UnknownNamespaceGetsInvalidNamespace) {
    Harness h;
    auto c = h.accept();
    c.connect("/nope");
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].nsp, "/nope");
    EXPECT_EQ(errors[0].data, json({{"message", "Invalid namespace"}}));
    EXPECT_FALSE(c.session->closed());  // the connection itself stays
}

TEST(Connect, AnyNamespaceWhenNamespacesIsStar) {
    Harness h({.namespaces = {"*"}});
    auto c = h.accept();
    c.connect("/dynamic");
    h.poll();
    EXPECT_FALSE(c.sid("/dynamic").empty());
    EXPECT_TRUE(c.of_type(PacketType::connect_error).empty());
}

TEST(Connect, ListedNamespacesOnly) {
    Harness h({.namespaces = {"/a"}});
    auto c = h.accept();
    c.connect("/a");
    c.connect("/b");
    h.poll();
    EXPECT_FALSE(c.sid("/a").empty());
    ASSERT_EQ(c.of_type(PacketType::connect_error, "/b").size(), 1u);
}

TEST(Connect, HandlerSeesAuthPayload) {
    Harness h;
    json seen;
    h.io->on("connect", [&](socketio::Socket& s, const json& auth) {
        seen = auth;
        return auth.contains("token");
    });
    auto c = h.accept();
    c.connect("/", {{"token", "abc"}});
    h.poll();
    EXPECT_EQ(seen, json({{"token", "abc"}}));
    EXPECT_FALSE(c.sid().empty());
}

TEST(Connect, HandlerReturningFalseRefuses) {
    Harness h;
    bool disconnect_called = false;
    h.io->on("connect", [](socketio::Socket&, const json& auth) { return auth.contains("token"); });
    h.io->on("disconnect", [&](socketio::Socket&) { disconnect_called = true; });
    auto c = h.accept();
    c.connect("/", json::object());
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].data, json({{"message", "Connection rejected by server"}}));
    EXPECT_TRUE(c.of_type(PacketType::connect).empty());
    EXPECT_FALSE(disconnect_called);
    EXPECT_TRUE(h.io->of("/").sockets().empty());
}

TEST(Connect, ConnectionRefusedCarriesMessageAndData) {
    Harness h;
    h.io->on("connect", [](socketio::Socket&) -> bool {
        throw socketio::ConnectionRefused("not authorized", {{"code", 401}});
    });
    auto c = h.accept();
    c.connect();
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].data, json({{"message", "not authorized"}, {"data", {{"code", 401}}}}));
}

TEST(Connect, ConnectionRefusedWithoutDataHasOnlyMessage) {
    Harness h;
    h.io->on("connect", [](socketio::Socket&) { throw socketio::ConnectionRefused("go away"); });
    auto c = h.accept();
    c.connect();
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].data, json({{"message", "go away"}}));
}

TEST(Connect, RefusedClientMayRetry) {
    Harness h;
    h.io->on("connect",
             [](socketio::Socket&, const json& auth) { return auth.value("ok", false); });
    auto c = h.accept();
    c.connect("/", {{"ok", false}});
    h.poll();
    c.connect("/", {{"ok", true}});
    h.poll();
    EXPECT_EQ(c.of_type(PacketType::connect_error).size(), 1u);
    EXPECT_FALSE(c.sid().empty());
}

TEST(Connect, EmitsFromConnectHandlerFollowConnect) {
    Harness h;
    h.io->on("connect", [](socketio::Socket& s) { s.emit("welcome", "hi"); });
    auto c = h.accept();
    c.connect();
    h.poll();
    const auto& packets = c.packets();
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0].type, PacketType::connect);
    EXPECT_EQ(packets[1].type, PacketType::event);
    EXPECT_EQ(packets[1].data, json({"welcome", "hi"}));
}

TEST(Connect, AlwaysConnectSendsConnectThenDisconnectOnRefusal) {
    Harness h({.connect = {.always = true}});
    h.io->on("connect", [](socketio::Socket&) { return false; });
    auto c = h.accept();
    c.connect();
    h.poll();
    const auto& packets = c.packets();
    ASSERT_EQ(packets.size(), 2u);
    EXPECT_EQ(packets[0].type, PacketType::connect);
    EXPECT_EQ(packets[1].type, PacketType::disconnect);
    EXPECT_TRUE(h.io->of("/").sockets().empty());
}

TEST(Connect, TimeoutClosesConnectionWithoutConnect) {
    Harness h({.connect = {.timeout = 50ms}});
    auto c = h.accept();
    EXPECT_TRUE(h.poll_until([&] { return c.session->closed(); }, 5s));
}

TEST(Connect, TimeoutDoesNotCloseAConnectedClient) {
    Harness h({.connect = {.timeout = 50ms}});
    auto c = h.connected();
    std::this_thread::sleep_for(150ms);
    h.poll();
    EXPECT_FALSE(c.session->closed());
}

TEST(Connect, HandshakeHasHeadersQueryCookiesAndAddress) {
    Harness h;
    socketio::Handshake seen;
    h.io->on("connect", [&](socketio::Socket& s) { seen = s.handshake(); });
    auto c = h.accept(0, [](engineio::RequestData& r) {
        r.headers = {{"cookie", "a=1; session=\"xyz\" ;b=two"},
                     {"x-forwarded-for", "10.1.2.3, 10.0.0.1"},
                     {"user-agent", "test"}};
        r.query.push_back({"room", "lobby"});
        r.target += "&room=lobby";
    });
    c.connect("/", {{"token", 1}});
    h.poll();
    EXPECT_EQ(seen.header("User-Agent"), "test");
    EXPECT_EQ(seen.query_param("room"), "lobby");
    EXPECT_EQ(seen.cookie("a"), "1");
    EXPECT_EQ(seen.cookie("session"), "xyz");
    EXPECT_EQ(seen.cookie("b"), "two");
    EXPECT_FALSE(seen.cookie("c"));
    EXPECT_EQ(seen.address, "127.0.0.1");  // X-Forwarded-For ignored by default
    EXPECT_EQ(seen.auth, json({{"token", 1}}));
    EXPECT_NE(seen.request().target().find("room=lobby"), std::string::npos);
    EXPECT_EQ(seen.query_param("room"), "lobby");
    EXPECT_EQ(seen.header("Cookie"), seen.request().header("cookie"));
    EXPECT_GT(seen.issued, 0);
}

TEST(Connect, ForwardedForHonouredWhenTrusted) {
    Harness h({.connect = {.trust_forwarded_for = true}});
    std::string address;
    h.io->on("connect", [&](socketio::Socket& s) { address = s.handshake().address; });
    auto c = h.accept(0, [](engineio::RequestData& r) {
        r.headers = {{"x-forwarded-for", " 10.1.2.3 , 10.0.0.1"}};
    });
    c.connect();
    h.poll();
    EXPECT_EQ(address, "10.1.2.3");
}

TEST(Connect, ClassBasedNamespaceAcceptsAndRefuses) {
    struct Guarded : socketio::NamespaceHandler {
        bool on_connect(socketio::Socket&, const json& auth) override {
            return auth.value("key", "") == "secret";
        }
    };
    Harness h;
    h.io->register_namespace("/guarded", std::make_shared<Guarded>());
    auto good = h.accept();
    good.connect("/guarded", {{"key", "secret"}});
    auto bad = h.accept();
    bad.connect("/guarded", {{"key", "wrong"}});
    h.poll();
    EXPECT_FALSE(good.sid("/guarded").empty());
    EXPECT_EQ(bad.of_type(PacketType::connect_error, "/guarded").size(), 1u);
}

TEST(Connect, PacketForUnjoinedNamespaceClosesConnection) {
    Harness h;
    auto c = h.connected();
    c.emit("hello", json::array(), "/other");
    h.poll();
    EXPECT_TRUE(c.session->closed());
}

// Node's client.ts: CONNECT to a namespace the connection already joined is an invalid state;
// the connection is closed ("forced server close") and the connect handler does not run again.
TEST(Connect, SecondConnectToAJoinedNamespaceClosesConnection) {
    Harness h;
    int connects = 0;
    std::vector<socketio::DisconnectReason> reasons;
    h.io->on("connect", [&](socketio::Socket&) { ++connects; });
    h.io->on("disconnect",
             [&](socketio::Socket&, socketio::DisconnectReason r) { reasons.push_back(r); });
    auto c = h.connected();
    const auto sid = c.sid();
    c.connect("/");
    h.poll();
    EXPECT_TRUE(c.session->closed());
    EXPECT_EQ(connects, 1);
    EXPECT_EQ(c.of_type(PacketType::connect).size(), 1u) << "no second CONNECT reply";
    EXPECT_EQ(reasons, std::vector{socketio::DisconnectReason::forced_server_close});
    EXPECT_FALSE(h.io->socket(sid)) << "the first socket is gone with its connection";
}

TEST(Connect, InvalidFrameClosesWithParseError) {
    Harness h;
    socketio::DisconnectReason reason{};
    h.io->on("disconnect", [&](socketio::Socket&, socketio::DisconnectReason r) { reason = r; });
    auto c = h.connected();
    c.raw("9garbage");
    h.poll();
    EXPECT_TRUE(c.session->closed());
    EXPECT_EQ(reason, socketio::DisconnectReason::parse_error);
}

// A ',' ends the namespace in the wire format: such a name could never be reached or encoded.
TEST(Connect, NamespaceNameWithCommaRefusedByOf) {
    Harness h;
    EXPECT_THROW(h.io->of("/a,b"), std::invalid_argument);
    EXPECT_THROW(h.io->of("a,b"), std::invalid_argument);
    EXPECT_THROW(h.io->register_namespace("/x,", nullptr), std::invalid_argument);
    EXPECT_EQ(h.io->of("chat").name(), "/chat");  // a missing leading '/' is added
}

// A client CONNECT to such a name does not decode: the connection is closed as a parse error.
TEST(Connect, ConnectToNamespaceWithCommaIsAParseError) {
    Harness h;
    auto c = h.accept();
    c.raw("0/a,b,{}");
    h.poll();
    EXPECT_TRUE(c.session->closed());
}

}  // namespace
}  // namespace sio_test
