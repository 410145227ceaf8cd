// The handler API of issue 12: Args, Responder, on_any, the catch-all's acks, middlewares and
// coroutine connects, Socket::nsp()/server()/data<T>()/update_session(), emit results, typed
// acks, application types written for nlohmann::json.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <tuple>

#include "harness.hpp"

namespace sio_test {
namespace {

json ack_of(FakeClient& c, std::uint64_t id) {
    for (const auto& p : c.packets()) {
        if ((p.type == PacketType::ack || p.type == PacketType::binary_ack) && p.id == id)
            return p.data;
    }
    return nullptr;
}

std::size_t acks_sent(FakeClient& c) {
    return c.of_type(PacketType::ack).size() + c.of_type(PacketType::binary_ack).size();
}

// --- Args
// ------------------------------------------------------------------------------------------

TEST(Args, ReturnedItAcksEveryArgumentAsItCame) {
    Harness h;
    h.io->on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    auto c = h.connected();
    const std::vector<json> cases = {
        json::array(),
        json::array({1}),
        json::array({"two", 2}),
        json::array({nullptr, true, 3.5}),
        json::array({json{{"t", 1}, {"p", 2}}, json::array({1, 2}), "x", -4}),
        json::array({socketio::binary("\x01\x02"), json{{"b", socketio::binary("\x03")}}, 1, "s",
                     json{{"z", 0}, {"a", 1}}}),
    };
    std::uint64_t id = 1;
    for (const auto& args : cases) {
        c.emit("echo", args, "/", id);
        h.poll();
        EXPECT_EQ(ack_of(c, id), args) << args.dump();
        ++id;
    }
}

TEST(Args, AfterTypedParametersHoldsTheRest) {
    Harness h;
    std::string room;
    json rest;
    h.io->on("say", [&](socketio::Socket&, std::string r, socketio::Args more) {
        room = r;
        rest = more.array();
        EXPECT_EQ(more.size(), 2u);
        EXPECT_EQ(more.get<int>(0), 1);
        EXPECT_THROW(more.get<int>(1), socketio::ArgumentError);  // "b" is not an int
        EXPECT_THROW(more.at(2), std::out_of_range);
        return more;
    });
    auto c = h.connected();
    c.emit("say", {"lobby", 1, "b"}, "/", 7);
    h.poll();
    EXPECT_EQ(room, "lobby");
    EXPECT_EQ(rest, json::array({1, "b"}));
    EXPECT_EQ(ack_of(c, 7), json::array({1, "b"}));
}

TEST(Args, AHandlerTakingArgsThatReturnsNothingDoesNotAck) {
    Harness h;
    int calls = 0;
    h.io->on("quiet", [&](socketio::Socket&, socketio::Args) { ++calls; });
    h.io->on("typed", [&](socketio::Socket&, int) { ++calls; });
    auto c = h.connected();
    c.emit("quiet", {1}, "/", 1);
    h.poll();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(acks_sent(c), 0u);
    // A typed handler returning void still acks with no arguments (python-socketio's rule).
    c.emit("typed", {1}, "/", 2);
    h.poll();
    EXPECT_EQ(ack_of(c, 2), json::array());
}

TEST(Args, EmittedTheyStandForTheirArguments) {
    Harness h;
    h.io->on("relay", [](socketio::Socket& s, socketio::Args args) {
        s.emit("relayed", "first", args, "last");
    });
    auto c = h.connected();
    c.emit("relay", {1, json{{"k", "v"}}});
    h.poll();
    auto relayed = c.events("relayed");
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0], json::array({"first", 1, json{{"k", "v"}}, "last"}));
}

TEST(Args, ACoroutineHandlerKeepsItsArgumentsAcrossSuspensions) {
    Harness h;
    h.io->on(
        "later",
        [](socketio::Socket& s, socketio::Args args) -> boost::asio::awaitable<socketio::Args> {
            boost::asio::steady_timer timer(s.executor(), 5ms);
            co_await timer.async_wait(boost::asio::use_awaitable);
            co_return args;
        });
    auto c = h.connected();
    c.emit("later", {"a", 2}, "/", 3);
    EXPECT_TRUE(h.poll_until([&] { return !ack_of(c, 3).is_null(); }));
    EXPECT_EQ(ack_of(c, 3), json::array({"a", 2}));
}

// --- Responder
// -------------------------------------------------------------------------------------

TEST(Responder, AcksWhenCalledLaterAndOnlyOnce) {
    Harness h;
    std::optional<socketio::Responder> kept;
    h.io->on("work", [&](socketio::Socket&, int n, socketio::Responder respond) {
        EXPECT_TRUE(respond.requested());
        kept = respond;
        (void)n;
    });
    auto c = h.connected();
    c.emit("work", {21}, "/", 9);
    h.poll();
    EXPECT_EQ(acks_sent(c), 0u);  // not yet
    ASSERT_TRUE(kept);
    EXPECT_TRUE((*kept)(42, "done"));
    EXPECT_FALSE((*kept)(43));  // once
    h.poll();
    EXPECT_EQ(ack_of(c, 9), json::array({42, "done"}));
    EXPECT_EQ(acks_sent(c), 1u);
}

TEST(Responder, AnswersFromAnotherThread) {
    Harness h;
    std::thread worker;
    h.io->on("work", [&](socketio::Socket&, int n, socketio::Responder respond) {
        worker = std::thread([n, respond] { respond(n * 2); });
    });
    auto c = h.connected();
    c.emit("work", {21}, "/", 4);
    h.poll();
    EXPECT_TRUE(h.poll_until([&] { return !ack_of(c, 4).is_null(); }));
    worker.join();
    EXPECT_EQ(ack_of(c, 4), json::array({42}));
}

TEST(Responder, SaysWhenNoAckWasAskedFor) {
    Harness h;
    std::optional<bool> requested;
    bool sent = true;
    h.io->on("fire", [&](socketio::Socket&, socketio::Responder respond) {
        requested = respond.requested();
        sent = respond("ignored");
    });
    auto c = h.connected();
    c.emit("fire");
    h.poll();
    ASSERT_TRUE(requested);
    EXPECT_FALSE(*requested);
    EXPECT_FALSE(sent);
    EXPECT_EQ(acks_sent(c), 0u);
}

// --- on_any and the catch-all
// ----------------------------------------------------------------------

TEST(OnAny, SeesEveryEventBeforeItsHandlerAndNeverAcks) {
    Harness h;
    std::vector<std::string> order;
    h.io->on_any([&](socketio::Socket&, const std::string& event, const socketio::Args& args) {
        order.push_back("any:" + event + ":" + std::to_string(args.size()));
    });
    h.io->on("known", [&](socketio::Socket&, int) {
        order.push_back("known");
        return "ok";
    });
    auto c = h.connected();
    c.emit("known", {1}, "/", 1);
    c.emit("unknown", {1, 2}, "/", 2);
    h.poll();
    EXPECT_EQ(order, (std::vector<std::string>{"any:known:1", "known", "any:unknown:2"}));
    EXPECT_EQ(ack_of(c, 1), json::array({"ok"}));
    EXPECT_TRUE(ack_of(c, 2).is_null());  // no handler, and on_any does not ack
}

TEST(CatchAll, AcksOnlyWhatItReturnsOrResponds) {
    Harness h;
    std::vector<std::string> seen;
    h.io->on_catch_all([&](socketio::Socket&, const std::string& event, socketio::Args) {
        seen.push_back(event);
    });
    h.io->of("/r").on_catch_all([](socketio::Socket&, const std::string& event, socketio::Args args,
                                   socketio::Responder respond) { respond(event, args.size()); });
    auto c = h.connected();
    c.connect("/r");
    h.poll();
    c.emit("a", {1}, "/", 1);
    c.emit("b", {1, 2}, "/r", 2);
    h.poll();
    EXPECT_EQ(seen, std::vector<std::string>{"a"});
    EXPECT_TRUE(ack_of(c, 1).is_null());
    EXPECT_EQ(ack_of(c, 2), json::array({"b", 2}));
}

TEST(CatchAll, TheOldSignatureUnderStarIsRefusedAtRegistration) {
    Harness h;
    // (Socket&, const std::string&, json&) fits an event handler, so it compiles; under "*" it is
    // refused at once rather than treating `json&` as the first argument.
    EXPECT_THROW(h.io->on("*", [](socketio::Socket&, const std::string&, json&) {}),
                 std::system_error);
    EXPECT_NO_THROW(h.io->on("*", [](socketio::Socket&, const std::string&, socketio::Args) {}));
}

// --- middlewares and coroutine connects ----------------------------------------------------------

TEST(Middleware, RunsInOrderBeforeTheConnectHandler) {
    Harness h;
    std::vector<std::string> order;
    h.io->use([&](socketio::Socket&) { order.push_back("first"); });
    h.io->use([&](socketio::Socket&, const json& auth) {
        order.push_back("second:" + auth.value("user", ""));
        return true;
    });
    h.io->on_connect([&](socketio::Socket&) { order.push_back("connect"); });
    auto c = h.accept();
    c.connect("/", json{{"user", "ann"}});
    h.poll();
    EXPECT_FALSE(c.sid().empty());
    EXPECT_EQ(order, (std::vector<std::string>{"first", "second:ann", "connect"}));
}

TEST(Middleware, RefusesWithMessageAndDataAndStopsTheChain) {
    Harness h;
    bool later_ran = false;
    h.io->of("/admin").use([](socketio::Socket&, const json& auth) {
        if (!auth.contains("key")) {
            throw socketio::ConnectionRefused("no key", json{{"code", 401}});
        }
    });
    h.io->of("/admin").use([&](socketio::Socket&) { later_ran = true; });
    h.io->of("/admin").on_connect([&](socketio::Socket&) { later_ran = true; });
    h.io->use([](socketio::Socket&) { return false; });  // "/" refuses everyone
    auto c = h.accept();
    c.connect("/admin", json::object());
    c.connect("/");
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].nsp, "/admin");
    EXPECT_EQ(errors[0].data, (json{{"message", "no key"}, {"data", {{"code", 401}}}}));
    EXPECT_EQ(errors[1].data, (json{{"message", "Connection rejected by server"}}));
    EXPECT_FALSE(later_ran);
    EXPECT_TRUE(h.io->of("/admin").sockets().empty());
}

TEST(Middleware, ACoroutineMiddlewareAndConnectHandlerDelayTheConnect) {
    Harness h;
    h.io->use([](socketio::Socket& s, const json& auth) -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer(s.executor(), 10ms);  // a database lookup, say
        co_await timer.async_wait(boost::asio::use_awaitable);
        if (auth.value("token", "") != "good") throw socketio::ConnectionRefused("bad token");
    });
    h.io->on_connect([](socketio::Socket& s) -> boost::asio::awaitable<bool> {
        s.emit("hello", "before CONNECT is sent, delivered after it");
        boost::asio::steady_timer timer(s.executor(), 5ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return true;
    });
    auto good = h.accept();
    auto bad = h.accept(1);
    good.connect("/", json{{"token", "good"}});
    bad.connect("/", json{{"token", "bad"}});
    h.poll();
    EXPECT_TRUE(good.sid().empty());  // still waiting for its middleware
    EXPECT_TRUE(h.poll_until([&] { return !good.sid().empty(); }));
    EXPECT_TRUE(h.poll_until([&] { return !bad.of_type(PacketType::connect_error).empty(); }));
    EXPECT_EQ(bad.of_type(PacketType::connect_error)[0].data, (json{{"message", "bad token"}}));
    // The emit from the connect handler went out after CONNECT.
    const auto& packets = good.packets();
    ASSERT_GE(packets.size(), 2u);
    EXPECT_EQ(packets[0].type, PacketType::connect);
    EXPECT_EQ(good.events("hello").size(), 1u);
}

TEST(Middleware, AClientThatLeavesDuringACoroutineConnectGetsNoDisconnectHandler) {
    Harness h;
    int disconnects = 0;
    h.io->use([](socketio::Socket& s) -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer(s.executor(), 20ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
    });
    h.io->on_disconnect([&](socketio::Socket&) { ++disconnects; });
    auto c = h.accept();
    c.connect();
    h.poll();
    c.session->end(engineio::DisconnectReason::transport_close);
    h.poll_until([] { return false; }, 60ms);
    EXPECT_EQ(disconnects, 0);
    EXPECT_TRUE(c.sid().empty());
    EXPECT_TRUE(h.io->of("/").sockets().empty());
}

TEST(Middleware, WithAlwaysConnectACoroutineConnectHandlerRunsAfterTheConnect) {
    Harness h{socketio::ServerOptions{.connect = {.always = true}}};
    h.io->on_connect([](socketio::Socket& s, const json& auth) -> boost::asio::awaitable<bool> {
        boost::asio::steady_timer timer(s.executor(), 20ms);
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return auth.value("ok", false);
    });
    int pings = 0;
    h.io->on("ping", [&](socketio::Socket&) { ++pings; });
    auto good = h.accept();
    auto bad = h.accept(1);
    good.connect("/", json{{"ok", true}});
    bad.connect("/", json{{"ok", false}});
    h.poll();
    EXPECT_FALSE(good.sid().empty());  // CONNECT first, the handler after
    EXPECT_FALSE(bad.sid().empty());
    good.emit("ping");  // while its connect handler still runs: delivered
    h.poll();
    EXPECT_EQ(pings, 1);
    EXPECT_TRUE(h.poll_until([&] { return !bad.of_type(PacketType::disconnect).empty(); }));
    EXPECT_TRUE(good.of_type(PacketType::disconnect).empty());
}

TEST(Middleware, HandlersCapturingTheirNamespaceDoNotOutliveTheServer) {
    std::weak_ptr<socketio::detail::NamespaceImpl> weak;
    {
        Harness h;
        auto ns = h.io->of("/x");
        weak = ns.impl();
        ns.use([ns](socketio::Socket&) { (void)ns; });
        ns.on_any([ns](socketio::Socket&, const std::string&, const socketio::Args&) { (void)ns; });
        ns.on_catch_all([ns](socketio::Socket&, const std::string&, socketio::Args) { (void)ns; });
    }
    EXPECT_TRUE(weak.expired());
}

// --- where a socket lives, its data and session ------------------------------------------------

TEST(SocketApi, KnowsItsNamespaceAndServer) {
    Harness h;
    std::vector<std::string> seen;
    h.io->of("/chat").on("who", [&](socketio::Socket& s) {
        seen.push_back(s.nsp().name());
        seen.push_back(std::to_string(s.nsp().sockets().size()));
        EXPECT_EQ(&s.server(), h.io.get());
        s.nsp().emit("everyone", 1);
    });
    auto c = h.connected("/chat");
    c.emit("who", json::array(), "/chat");
    h.poll();
    EXPECT_EQ(seen, (std::vector<std::string>{"/chat", "1"}));
    EXPECT_EQ(c.events("everyone", "/chat").size(), 1u);
}

struct Profile {
    std::string name;
    int messages = 0;
};

TEST(SocketApi, DataOfAnyTypeLivesWithTheSocket) {
    Harness h;
    h.io->on_connect([](socketio::Socket& s, const json& auth) {
        s.data<Profile>().name = auth.value("name", "anon");
    });
    h.io->on("say", [](socketio::Socket& s) {
        auto& profile = s.data<Profile>();
        ++profile.messages;
        return json{{"name", profile.name}, {"messages", profile.messages}};
    });
    h.io->on("wrong", [](socketio::Socket& s) { return s.data<int>(); });
    h.io->on("replace", [](socketio::Socket& s) {
        s.set_data(std::make_unique<int>(5));  // move-only types too
        return s.has_data<std::unique_ptr<int>>() && !s.has_data<Profile>();
    });
    auto c = h.accept();
    c.connect("/", json{{"name", "ann"}});
    h.poll();
    c.emit("say", json::array(), "/", 1);
    c.emit("say", json::array(), "/", 2);
    c.emit("wrong", json::array(), "/", 3);
    c.emit("replace", json::array(), "/", 4);
    h.poll();
    EXPECT_EQ(ack_of(c, 2), json::array({json{{"name", "ann"}, {"messages", 2}}}));
    EXPECT_TRUE(ack_of(c, 3).is_null());  // std::bad_cast went to the error handler, no ack
    EXPECT_EQ(ack_of(c, 4), json::array({true}));
}

TEST(SocketApi, UpdateSessionLosesNoIncrementUnderConcurrentHandlers) {
    Harness h{socketio::ServerOptions{.handlers = {.async = true, .threads = 4}}};
    h.io->on("hit", [](socketio::Socket& s) {
        s.update_session([](json& session) { session["hits"] = session.value("hits", 0) + 1; });
    });
    h.run_threads();
    auto c = h.accept();
    c.connect();
    const auto sid = [&] {
        for (int i = 0; i < 500 && c.sid().empty(); ++i) std::this_thread::sleep_for(2ms);
        return c.sid();
    }();
    ASSERT_FALSE(sid.empty());
    constexpr int hits = 400;
    for (int i = 0; i < hits; ++i) c.emit("hit");
    auto session = [&] { return h.io->get_session(sid).value("hits", 0); };
    for (int i = 0; i < 2500 && session() < hits; ++i) std::this_thread::sleep_for(2ms);
    EXPECT_EQ(session(), hits);
    EXPECT_TRUE(h.io->update_session(sid, [](json& s) { s["hits"] = 0; }));
    EXPECT_EQ(session(), 0);
    EXPECT_FALSE(h.io->update_session("nobody", [](json&) {}));
    h.stop_threads();
}

// --- emit results and typed acks -----------------------------------------------------------------

TEST(EmitResult, QueuedWhileConnectedDroppedAfter) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    EXPECT_EQ(socket.emit("x", 1), socketio::EmitResult::queued);
    c.disconnect();
    h.poll();
    EXPECT_EQ(socket.emit("x", 1), socketio::EmitResult::dropped);
    EXPECT_EQ(socketio::to_string(socketio::EmitResult::refused), "refused");
}

TEST(TypedAck, ConvertsTheClientsAnswerOrThrows) {
    Harness h;
    auto c = h.connected();
    auto socket = *h.io->socket(c.sid());
    std::optional<int> number;
    std::optional<std::tuple<int, std::string>> pair;
    std::string failure;
    boost::asio::co_spawn(
        h.loop(0),
        [&]() -> boost::asio::awaitable<void> {
            number = co_await socket.emit_with_ack<int>("count");
            pair = co_await socket.emit_with_ack<std::tuple<int, std::string>>("pair", 1);
            try {
                co_await socket.timeout(10ms).emit_with_ack<int>("silence");
            } catch (const std::system_error& e) {
                failure = e.code() == socketio::error::ack_timeout ? "timeout" : e.what();
            }
        },
        boost::asio::detached);
    h.poll();
    auto asked = c.of_type(PacketType::event);
    ASSERT_EQ(asked.size(), 1u);
    c.ack(*asked[0].id, {5});
    h.poll();
    asked = c.of_type(PacketType::event);
    ASSERT_EQ(asked.size(), 2u);
    c.ack(*asked[1].id, {7, "seven"});
    EXPECT_TRUE(h.poll_until([&] { return !failure.empty(); }));
    EXPECT_EQ(number, 5);
    EXPECT_EQ(pair, (std::tuple<int, std::string>{7, "seven"}));
    EXPECT_EQ(failure, "timeout");
}

// --- application types written for nlohmann::json
// -------------------------------------------------

struct Move {
    int x = 0;
    int y = 0;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE(Move, x, y)
};

TEST(JsonTypes, TypesDefinedForNlohmannJsonConvertBothWays) {
    Harness h;
    h.io->on("move", [](socketio::Socket& s, Move m) {
        s.emit("moved", Move{m.x + 1, m.y + 1});
        return socketio::Ack{m};
    });
    auto c = h.connected();
    c.emit("move", {json{{"x", 1}, {"y", 2}}}, "/", 1);
    h.poll();
    EXPECT_EQ(ack_of(c, 1), json::array({json{{"x", 1}, {"y", 2}}}));
    ASSERT_EQ(c.events("moved").size(), 1u);
    EXPECT_EQ(c.events("moved")[0], json::array({json{{"x", 2}, {"y", 3}}}));
}

TEST(JsonTypes, ObjectsKeepTheirKeyOrderThroughAHandler) {
    Harness h;
    h.io->on("relay", [](socketio::Socket& s, const json& message) { s.emit("relayed", message); });
    auto c = h.connected();
    c.raw(R"(2["relay",{"t":1,"p":"x","a":{"z":1,"b":2}}])");
    h.poll();
    const auto& sent = c.session->sent();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(std::string(sent.back().data()), R"(2["relayed",{"t":1,"p":"x","a":{"z":1,"b":2}}])");
}

}  // namespace
}  // namespace sio_test
