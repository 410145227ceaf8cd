// Events: arguments of any JSON type and binary, typed handlers, the return value as the ack,
// "message", the catch-all, reserved names, class-based namespaces.

#include "harness.hpp"

namespace sio_test {
namespace {

struct Point {
    int x = 0;
    int y = 0;
};
void from_json(const json& j, Point& p) {
    p.x = j.at("x");
    p.y = j.at("y");
}
void to_json(json& j, const Point& p) {
    j = {{"x", p.x}, {"y", p.y}};
}

json ack_args(FakeClient& c, std::uint64_t id) {
    for (const auto& p : c.packets()) {
        if ((p.type == PacketType::ack || p.type == PacketType::binary_ack) && p.id == id)
            return p.data;
    }
    return nullptr;
}

TEST(Events, HandlerGetsEveryArgumentType) {
    Harness h;
    json seen;
    h.io->on("many", [&](socketio::Socket&, const json& a, const json& b, const json& c,
                         const json& d, const json& e, const json& f) {
        seen = json::array({a, b, c, d, e, f});
    });
    auto c = h.connected();
    json args = {1, "two", 3.5, true, nullptr, {{"k", {1, 2}}}};
    c.emit("many", args);
    h.poll();
    EXPECT_EQ(seen, args);
}

TEST(Events, TypedArgumentsConvertWithFromJson) {
    Harness h;
    int sum = 0;
    std::string name;
    h.io->on("typed", [&](socketio::Socket& s, Point p, const std::string& n, int z) {
        sum = p.x + p.y + z;
        name = n;
        s.emit("point", Point{p.y, p.x});  // to_json on the way out
    });
    auto c = h.connected();
    c.emit("typed", {{{"x", 1}, {"y", 2}}, "pt", 3});
    h.poll();
    EXPECT_EQ(sum, 6);
    EXPECT_EQ(name, "pt");
    ASSERT_EQ(c.events("point").size(), 1u);
    EXPECT_EQ(c.events("point")[0], json({{{"x", 2}, {"y", 1}}}));
}

TEST(Events, MissingArgumentsAreNull) {
    Harness h;
    json first, second;
    h.io->on("few", [&](socketio::Socket&, json a, json b) {
        first = a;
        second = b;
    });
    auto c = h.connected();
    c.emit("few", {7});
    h.poll();
    EXPECT_EQ(first, 7);
    EXPECT_TRUE(second.is_null());
}

TEST(Events, ReturnValueBecomesAck) {
    Harness h;
    h.io->on("one", [](socketio::Socket&, int x) { return x * 2; });
    h.io->on("none", [](socketio::Socket&) {});
    h.io->on("tuple", [](socketio::Socket&) { return std::tuple{1, "a", json{{"b", 2}}}; });
    h.io->on("ack", [](socketio::Socket&) { return socketio::Ack{"x", 2}; });
    h.io->on("array", [](socketio::Socket&) { return json{"ok", 1}; });
    auto c = h.connected();
    c.emit("one", {21}, "/", 1);
    c.emit("none", json::array(), "/", 2);
    c.emit("tuple", json::array(), "/", 3);
    c.emit("ack", json::array(), "/", 4);
    c.emit("array", json::array(), "/", 5);
    h.poll();
    EXPECT_EQ(ack_args(c, 1), json({42}));
    EXPECT_EQ(ack_args(c, 2), json::array());
    EXPECT_EQ(ack_args(c, 3), json({1, "a", {{"b", 2}}}));
    EXPECT_EQ(ack_args(c, 4), json({"x", 2}));
    EXPECT_EQ(ack_args(c, 5), json::array({json{"ok", 1}}));  // one argument: the array
}

TEST(Events, NoAckWithoutAckId) {
    Harness h;
    h.io->on("one", [](socketio::Socket&, int x) { return x; });
    auto c = h.connected();
    c.emit("one", {1});
    h.poll();
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());
}

TEST(Events, BinaryArgumentsBothWays) {
    Harness h;
    json received;
    h.io->on("upload", [&](socketio::Socket& s, const json& meta, const json& data) {
        received = data;
        s.emit("download", meta, socketio::binary("\x01\x02\x03"));
        return socketio::binary(std::string("\xff\x00", 2));
    });
    auto c = h.connected();
    c.emit("upload", {{{"name", "f"}}, socketio::binary("abc")}, "/", 9);
    h.poll();
    ASSERT_TRUE(received.is_binary());
    EXPECT_EQ(std::string(received.get_binary().begin(), received.get_binary().end()), "abc");
    // The server's emit went out as BINARY_EVENT: a text frame plus one binary frame.
    auto sent = c.session->sent();
    bool saw_binary_frame = false;
    for (const auto& m : sent) saw_binary_frame = saw_binary_frame || m.is_binary();
    EXPECT_TRUE(saw_binary_frame);
    auto downloads = c.events("download");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0][0], json({{"name", "f"}}));
    ASSERT_TRUE(downloads[0][1].is_binary());
    EXPECT_EQ(downloads[0][1].get_binary().size(), 3u);
    auto acks = c.of_type(PacketType::binary_ack);  // decoded packets keep the binary type
    bool found = false;
    for (const auto& p : c.packets()) {
        if (p.id == 9u) {
            found = true;
            ASSERT_TRUE(p.data.at(0).is_binary());
            EXPECT_EQ(p.data.at(0).get_binary().size(), 2u);
        }
    }
    EXPECT_TRUE(found);
    // the ACK's text frame says BINARY_ACK ("6")
    bool saw_binary_ack = false;
    for (const auto& m : sent)
        saw_binary_ack = saw_binary_ack || (!m.is_binary() && m.data()[0] == '6');
    EXPECT_TRUE(saw_binary_ack);
}

TEST(Events, BinaryPacketsOfClientsOnOneLoopInterleave) {
    // Clients of one loop share its decoder between packets; a packet waiting for attachments
    // must stay with its client while the others' packets, text and binary, go on.
    Harness h;
    std::vector<std::string> got;  // "<sid's client>:<event>:<args>"
    h.io->on_catch_all([&](socketio::Socket& s, const std::string& event, socketio::Args args) {
        got.push_back(s.handshake().auth.value("who", "?") + ":" + event + ":" +
                      args.array().dump());
    });
    auto a = h.accept(0);
    a.connect("/", {{"who", "a"}});
    auto b = h.accept(0);
    b.connect("/", {{"who", "b"}});
    h.poll();
    // a: the text frame of a BINARY_EVENT with two attachments, and only the first of them.
    a.raw(R"(52-["two",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    a.raw("A0", true);
    h.poll();
    EXPECT_TRUE(got.empty());
    // b, meanwhile: a text event and a whole binary event.
    b.emit("text", {1});
    b.emit("one", {socketio::binary("B0")});
    h.poll();
    // a's second attachment completes its packet; then a sends text again.
    a.raw("A1", true);
    a.emit("after", {2});
    h.poll();
    const json a0 = socketio::binary("A0");
    const json a1 = socketio::binary("A1");
    const json b0 = socketio::binary("B0");
    EXPECT_EQ(got,
              (std::vector<std::string>{"b:text:[1]", "b:one:" + json::array({b0}).dump(),
                                        "a:two:" + json::array({a0, a1}).dump(), "a:after:[2]"}));
    // A text frame where an attachment is awaited is still an error for that client alone.
    a.raw(R"(51-["three",{"_placeholder":true,"num":0}])");
    h.poll();
    a.emit("not-an-attachment");
    b.emit("still", {3});
    h.poll();
    EXPECT_EQ(got.back(), "b:still:[3]");
    EXPECT_TRUE(a.session->closed());
    EXPECT_FALSE(b.session->closed());
}

TEST(Events, MessageEventAndSend) {
    Harness h;
    json got;
    h.io->on("message", [&](socketio::Socket& s, const json& m) {
        got = m;
        s.send("pong", 2);
    });
    auto c = h.connected();
    c.emit("message", {"ping"});
    h.poll();
    EXPECT_EQ(got, "ping");
    auto messages = c.events("message");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0], json({"pong", 2}));
}

TEST(Events, CatchAllGetsUnhandledEvents) {
    Harness h;
    std::vector<std::string> caught;
    int handled = 0;
    h.io->on("known", [&](socketio::Socket&) { ++handled; });
    h.io->on_catch_all([&](socketio::Socket&, const std::string& event, socketio::Args args) {
        caught.push_back(event + ":" + args.array().dump());
        return "caught";
    });
    auto c = h.connected();
    c.emit("known");
    c.emit("other", {1, 2}, "/", 5);
    h.poll();
    EXPECT_EQ(handled, 1);
    ASSERT_EQ(caught.size(), 1u);
    EXPECT_EQ(caught[0], "other:[1,2]");
    EXPECT_EQ(ack_args(c, 5), json({"caught"}));
}

TEST(Events, UnhandledEventGetsNoAck) {
    Harness h;
    auto c = h.connected();
    c.emit("nobody", json::array(), "/", 3);
    h.poll();
    EXPECT_TRUE(ack_args(c, 3).is_null());
    EXPECT_FALSE(c.session->closed());
}

TEST(Events, ReservedNamesRefusedOnEmit) {
    Harness h;
    std::vector<std::string> refused;
    h.io->on("go", [&](socketio::Socket& s) {
        for (const char* name : {"connect", "connect_error", "disconnect", "disconnecting",
                                 "newListener", "removeListener"}) {
            try {
                s.emit(name, 1);
            } catch (const std::system_error& e) {
                if (e.code() == socketio::error::reserved_event) refused.push_back(name);
            }
        }
    });
    auto c = h.connected();
    c.emit("go");
    h.poll();
    EXPECT_EQ(refused.size(), 6u);
    EXPECT_TRUE(c.events("connect").empty());
    EXPECT_THROW(h.io->emit("disconnect"), std::system_error);
}

TEST(Events, HandlerSignatureMismatchIsRefusedAtRegistration) {
    Harness h;
    EXPECT_THROW(h.io->on("connect", [](socketio::Socket&, int, int) {}), std::system_error);
    EXPECT_THROW(h.io->on("*", [](socketio::Socket&, int) {}), std::system_error);
    // A coroutine cannot be a disconnect handler (it would never run).
    EXPECT_THROW(h.io->on("disconnect",
                          [](socketio::Socket&) -> boost::asio::awaitable<void> { co_return; }),
                 std::system_error);
}

struct Chat : socketio::NamespaceHandler {
    Chat() {
        bind("say", &Chat::on_say);
        bind("shadowed", &Chat::on_shadowed);
    }
    bool on_connect(socketio::Socket&, const json&) override {
        ++connects;
        return true;
    }
    void on_disconnect(socketio::Socket&, socketio::DisconnectReason reason) override {
        last_reason = reason;
    }
    std::string on_say(socketio::Socket&, const std::string& text) { return "said " + text; }
    std::string on_shadowed(socketio::Socket&) { return "class"; }
    bool dispatch(socketio::Socket& s, const std::string& event, json& args,
                  const socketio::Responder& respond) override {
        if (event.rfind("custom:", 0) == 0) {
            respond(event.substr(7));
            return true;
        }
        return NamespaceHandler::dispatch(s, event, args, respond);
    }
    int connects = 0;
    std::optional<socketio::DisconnectReason> last_reason;
};

TEST(Events, ClassBasedNamespaceMethodsAndDispatch) {
    Harness h;
    auto chat = std::make_shared<Chat>();
    h.io->register_namespace("/chat", chat);
    h.io->of("/chat").on("shadowed", [](socketio::Socket&) { return "lambda"; });
    auto c = h.accept();
    c.connect("/chat");
    h.poll();
    c.emit("say", {"hi"}, "/chat", 1);
    c.emit("shadowed", json::array(), "/chat", 2);
    c.emit("custom:route", json::array(), "/chat", 3);
    c.disconnect("/chat");
    h.poll();
    EXPECT_EQ(chat->connects, 1);
    EXPECT_EQ(ack_args(c, 1), json({"said hi"}));
    EXPECT_EQ(ack_args(c, 2), json({"lambda"}));  // a lambda wins over a class method
    EXPECT_EQ(ack_args(c, 3), json({"route"}));
    EXPECT_EQ(chat->last_reason, socketio::DisconnectReason::client_namespace_disconnect);
}

TEST(Events, CoroutineHandlerAcks) {
    Harness h;
    h.io->on("slow", [](socketio::Socket& s, int x) -> boost::asio::awaitable<int> {
        boost::asio::steady_timer timer(s.executor(), 10ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return x + 1;
    });
    auto c = h.connected();
    c.emit("slow", {41}, "/", 7);
    EXPECT_TRUE(h.poll_until([&] { return !ack_args(c, 7).is_null(); }));
    EXPECT_EQ(ack_args(c, 7), json({42}));
}

// A coroutine event handler whose parameters also fit the catch-all shape
// (Socket&, string, json) must register as an event handler (it once failed to compile).
TEST(Events, CoroutineHandlerWithCatchAllShapeIsAnEventHandler) {
    Harness h;
    h.io->on("co", [](socketio::Socket&, std::string s, json j) -> boost::asio::awaitable<json> {
        co_return json{{"s", s}, {"j", j}};
    });
    auto c = h.connected();
    c.emit("co", {"a", 2}, "/", 4);
    EXPECT_TRUE(h.poll_until([&] { return !ack_args(c, 4).is_null(); }));
    EXPECT_EQ(ack_args(c, 4), json::array({json{{"s", "a"}, {"j", 2}}}));
}

TEST(Events, CoroutineCatchAllHandlerAcks) {
    Harness h;
    h.io->on_catch_all([](socketio::Socket& s, const std::string& event,
                          socketio::Args args) -> boost::asio::awaitable<std::string> {
        std::string name = event;  // copied before the first suspension
        json copy = args.array();
        boost::asio::steady_timer timer(s.executor(), 5ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return name + ":" + copy.dump();
    });
    auto c = h.connected();
    c.emit("anything", {1, 2}, "/", 6);
    EXPECT_TRUE(h.poll_until([&] { return !ack_args(c, 6).is_null(); }));
    EXPECT_EQ(ack_args(c, 6), json({"anything:[1,2]"}));
}

// A missing argument of a suspended coroutine handler stays its own: another handler run on the
// same loop meanwhile (also missing an argument) must not reset it.
TEST(Events, CoroutineHandlerMissingArgumentSurvivesSuspension) {
    Harness h;
    h.io->on("co", [](socketio::Socket& s, json& extra) -> boost::asio::awaitable<json> {
        extra = "mine";
        boost::asio::steady_timer timer(s.executor(), 20ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return extra;
    });
    h.io->on("sync", [](socketio::Socket&, const json& missing) { return missing.is_null(); });
    auto c = h.connected();
    c.emit("co", json::array(), "/", 1);
    h.poll();
    c.emit("sync", json::array(), "/", 2);
    EXPECT_TRUE(h.poll_until([&] { return !ack_args(c, 1).is_null(); }));
    EXPECT_EQ(ack_args(c, 2), json({true}));
    EXPECT_EQ(ack_args(c, 1), json({"mine"}));
}

TEST(Events, NamespacesHaveSeparateHandlers) {
    Harness h;
    std::vector<std::string> calls;
    h.io->on("ev", [&](socketio::Socket& s) { calls.push_back("root:" + s.nsp_name()); });
    h.io->of("/admin").on("ev",
                          [&](socketio::Socket& s) { calls.push_back("admin:" + s.nsp_name()); });
    auto c = h.accept();
    c.connect("/");
    c.connect("/admin");
    h.poll();
    c.emit("ev", json::array(), "/admin");
    c.emit("ev", json::array(), "/");
    h.poll();
    EXPECT_EQ(calls, (std::vector<std::string>{"admin:/admin", "root:/"}));
}

}  // namespace
}  // namespace sio_test
