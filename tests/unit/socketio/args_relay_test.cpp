// Arguments relayed as they came: an event's arguments are built only when something reads them,
// so a handler that returns its Args unread (an echo) acks with the client's own JSON text, and
// every way of reading them still sees the same values.

#include "harness.hpp"

namespace sio_test {
namespace {

/// The text of every ACK the server sent this client, in order.
std::vector<std::string> ack_texts(FakeClient& c) {
    std::vector<std::string> texts;
    for (const auto& message : c.session->sent()) {
        if (!message.is_binary() && !message.data().empty() && message.data()[0] == '3') {
            texts.emplace_back(message.data());
        }
    }
    return texts;
}

json only_ack(FakeClient& c) {
    const auto acks = c.of_type(PacketType::ack);
    EXPECT_EQ(acks.size(), 1u);
    return acks.empty() ? json() : acks[0].data;
}

constexpr const char* kSpelled = R"(27["echo", 1e2 ,{"b":1,"a":[true,null,-0.5]},"été",[]])";

TEST(ArgsRelay, UnreadArgsGoBackAsTheClientSpeltThem) {
    Harness h;
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected();
    c.raw(kSpelled);
    c.raw(R"(28["echo"])");
    h.poll();
    // Number spelling, spaces and key order kept: the text was never a tree.
    EXPECT_EQ(ack_texts(c), (std::vector<std::string>{
                                R"(37[ 1e2 ,{"b":1,"a":[true,null,-0.5]},"été",[]])", "38[]"}));
    const auto acks = c.of_type(PacketType::ack);
    ASSERT_EQ(acks.size(), 2u);
    EXPECT_EQ(acks[0].data, json::parse(R"([100.0,{"b":1,"a":[true,null,-0.5]},"été",[]])"));
    EXPECT_EQ(acks[1].data, json::array());
}

TEST(ArgsRelay, RelayedInTheEventsNamespace) {
    Harness h;
    h.io->of("/chat").on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected("/chat");
    c.raw(R"(2/chat,42["echo","x",{"y":2}])");
    h.poll();
    EXPECT_EQ(ack_texts(c), std::vector<std::string>{R"(3/chat,42["x",{"y":2}])"});
}

TEST(ArgsRelay, ArgsReadByTheHandlerAckTheSameValues) {
    Harness h;
    json first;
    std::size_t count = 0;
    h.io->on("echo", [&](socketio::Socket&, socketio::Args args) {
        count = args.size();
        first = args[0];
        return args;
    });
    auto c = h.connected();
    c.raw(kSpelled);
    h.poll();
    EXPECT_EQ(count, 4u);
    EXPECT_EQ(first, json(100.0));
    EXPECT_EQ(only_ack(c), json::parse(R"([100.0,{"b":1,"a":[true,null,-0.5]},"été",[]])"));
}

TEST(ArgsRelay, TypedParametersBeforeArgs) {
    Harness h;
    std::string room;
    h.io->on("say", [&](socketio::Socket&, std::string to, socketio::Args rest) {
        room = to;
        return rest;
    });
    auto c = h.connected();
    c.raw(R"(23["say","lobby",1,"two"])");
    h.poll();
    EXPECT_EQ(room, "lobby");
    EXPECT_EQ(only_ack(c), json({1, "two"}));
}

TEST(ArgsRelay, OnAnySeesTheArgumentsAndTheHandlerStillGetsThem) {
    Harness h;
    json seen;
    h.io->on_any([&](socketio::Socket&, const std::string& event, const socketio::Args& args) {
        seen = {event, args.array()};
    });
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected();
    c.raw(R"(29["echo",{"k":[1,2]},"v"])");
    h.poll();
    EXPECT_EQ(seen, json::parse(R"(["echo",[{"k":[1,2]},"v"]])"));
    EXPECT_EQ(only_ack(c), json::parse(R"([{"k":[1,2]},"v"])"));
}

TEST(ArgsRelay, EscapedAndNumberNamedEventsTakeTheUsualWay) {
    Harness h;
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    h.io->on("7", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected();
    c.raw(R"(21["echo","a\"b\n\u00e9"])");
    c.raw(R"(22[7,"x"])");
    h.poll();
    const auto acks = c.of_type(PacketType::ack);
    ASSERT_EQ(acks.size(), 2u);
    EXPECT_EQ(acks[0].data, json({"a\"b\né"}));
    EXPECT_EQ(acks[1].data, json({"x"}));
}

TEST(ArgsRelay, CoroutineHandlersGetTheArguments) {
    Harness h;
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) -> boost::asio::awaitable<json> {
        co_return args.array();
    });
    auto c = h.connected();
    c.raw(R"(24["echo",1,"two",{"three":3}])");
    h.poll();
    EXPECT_EQ(only_ack(c), json::parse(R"([[1,"two",{"three":3}]])"));
}

TEST(ArgsRelay, WorkerPoolHandlersGetTheArguments) {
    // The deferred text views the connection's read buffer: the pool must get built arguments.
    Harness h({.handlers = {.async = true, .threads = 2}});
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected();
    c.raw(R"(25["echo","pooled",[1,2,3]])");
    EXPECT_TRUE(h.poll_until([&] { return !c.of_type(PacketType::ack).empty(); }));
    EXPECT_EQ(only_ack(c), json::parse(R"(["pooled",[1,2,3]])"));
}

TEST(ArgsRelay, ErrorHandlerSeesTheArguments) {
    Harness h;
    json seen;
    h.io->on("boom", [](socketio::Socket&, socketio::Args) -> socketio::Args {
        throw std::runtime_error("no");
    });
    h.io->on_error_default([&](socketio::Socket&, const std::string&, const json& args,
                               std::exception_ptr) { seen = args; });
    auto c = h.connected();
    c.raw(R"(26["boom",{"a":1},2])");
    h.poll();
    EXPECT_EQ(seen, json::parse(R"([{"a":1},2])"));
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());
}

TEST(ArgsRelay, CatchAllAndClassNamespacesGetTheArguments) {
    struct Chat : socketio::NamespaceHandler {
        Chat() { bind("echo", &Chat::echo); }
        socketio::Args echo(socketio::Socket&, socketio::Args args) { return args; }
    };
    Harness h;
    h.io->of("/class").set_handler(std::make_shared<Chat>());
    h.io->on_catch_all([](socketio::Socket&, const std::string& event, socketio::Args args) {
        return json::array({event, args.array()});
    });
    auto a = h.connected("/class");
    auto b = h.connected();
    a.raw(R"(2/class,1["echo","c",1e2])");
    b.raw(R"(22["other","d"])");
    h.poll();
    EXPECT_EQ(only_ack(a), json::parse(R"(["c",100.0])"));
    EXPECT_EQ(only_ack(b), json::parse(R"([["other",["d"]]])"));
}

TEST(ArgsRelay, AcksStillHeldKeepTheirOwnText) {
    // An ACK is encoded into a buffer that is reused once no message holds it. Here the session
    // keeps every message it was given, so no buffer may be reused: each ACK keeps its text.
    Harness h;
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    h.io->on("name", [](socketio::Socket&, int n) { return "n" + std::to_string(n); });
    auto c = h.connected();
    constexpr int events = 100;
    for (int i = 0; i < events; ++i) {
        c.raw("2" + std::to_string(2 * i) + R"(["echo",)" + std::to_string(i) + "]");
        c.raw("2" + std::to_string(2 * i + 1) + R"(["name",)" + std::to_string(i) + "]");
    }
    h.poll();
    const auto texts = ack_texts(c);
    ASSERT_EQ(texts.size(), std::size_t{2 * events});
    for (int i = 0; i < events; ++i) {
        EXPECT_EQ(texts[2 * i], "3" + std::to_string(2 * i) + "[" + std::to_string(i) + "]");
        EXPECT_EQ(texts[2 * i + 1],
                  "3" + std::to_string(2 * i + 1) + R"([")" + "n" + std::to_string(i) + R"("])");
    }
}

}  // namespace
}  // namespace sio_test
