// Handler exceptions: the namespace's error handler, then the default one, then the log; the
// connection survives.

#include "harness.hpp"

namespace sio_test {
namespace {

std::string what(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    }
}

TEST(Errors, NamespaceErrorHandlerSeesEventAndArguments) {
    std::string event, message;
    json args;
    Harness h;
    h.io->on("boom", [](socketio::Socket&, int) -> int { throw std::runtime_error("kaput"); });
    h.io->of("/").on_error(
        [&](socketio::Socket&, const std::string& e, const json& a, std::exception_ptr x) {
            event = e;
            args = a;
            message = what(x);
        });
    auto c = h.connected();
    c.emit("boom", {5, "extra"}, "/", 1);
    h.poll();
    EXPECT_EQ(event, "boom");
    EXPECT_EQ(args, json({5, "extra"}));
    EXPECT_EQ(message, "kaput");
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());  // no ack for a failed handler
    EXPECT_FALSE(c.session->closed());
}

TEST(Errors, DefaultHandlerWhenNamespaceHasNone) {
    std::vector<std::string> seen;
    Harness h;
    h.io->of("/a").on("boom", [](socketio::Socket&) { throw std::logic_error("a"); });
    h.io->of("/b").on("boom", [](socketio::Socket&) { throw std::logic_error("b"); });
    h.io->of("/b").on_error([&](socketio::Socket&, const std::string&, const json&,
                                std::exception_ptr x) { seen.push_back("b-handler:" + what(x)); });
    h.io->on_error_default(
        [&](socketio::Socket& s, const std::string&, const json&, std::exception_ptr x) {
            seen.push_back("default:" + s.nsp() + ":" + what(x));
        });
    auto c = h.accept();
    c.connect("/a");
    c.connect("/b");
    h.poll();
    c.emit("boom", json::array(), "/a");
    c.emit("boom", json::array(), "/b");
    h.poll();
    EXPECT_EQ(seen, (std::vector<std::string>{"default:/a:a", "b-handler:b"}));
}

TEST(Errors, BadArgumentTypeGoesToErrorHandler) {
    bool called = false;
    std::string event;
    Harness h;
    h.io->on("typed", [&](socketio::Socket&, int) { called = true; });
    h.io->on_error_default([&](socketio::Socket&, const std::string& e, const json&,
                               std::exception_ptr) { event = e; });
    auto c = h.connected();
    c.emit("typed", {"not a number"});
    h.poll();
    EXPECT_FALSE(called);
    EXPECT_EQ(event, "typed");
}

TEST(Errors, WithoutHandlersTheConnectionSurvives) {
    int ok_calls = 0;
    Harness h;
    h.io->on("boom", [](socketio::Socket&) { throw std::runtime_error("logged only"); });
    h.io->on("ok", [&](socketio::Socket&) { return ++ok_calls; });
    auto c = h.connected();
    c.emit("boom");
    c.emit("ok", json::array(), "/", 4);
    h.poll();
    EXPECT_EQ(ok_calls, 1);
    EXPECT_FALSE(c.session->closed());
    EXPECT_EQ(c.of_type(PacketType::ack).size(), 1u);
}

TEST(Errors, ThrowingErrorHandlerIsContained) {
    int ok_calls = 0;
    Harness h;
    h.io->on("boom", [](socketio::Socket&) { throw std::runtime_error("first"); });
    h.io->on("ok", [&](socketio::Socket&) { ++ok_calls; });
    h.io->on_error_default([](socketio::Socket&, const std::string&, const json&,
                              std::exception_ptr) { throw std::runtime_error("second"); });
    auto c = h.connected();
    c.emit("boom");
    c.emit("ok");
    h.poll();
    EXPECT_EQ(ok_calls, 1);
    EXPECT_FALSE(c.session->closed());
}

TEST(Errors, CoroutineHandlerExceptionReachesErrorHandler) {
    std::string message;
    Harness h;
    h.io->on("co", [](socketio::Socket&) -> boost::asio::awaitable<void> {
        throw std::runtime_error("in coroutine");
        co_return;
    });
    h.io->on_error_default([&](socketio::Socket&, const std::string&, const json&,
                               std::exception_ptr x) { message = what(x); });
    auto c = h.connected();
    c.emit("co", json::array(), "/", 1);
    EXPECT_TRUE(h.poll_until([&] { return !message.empty(); }));
    EXPECT_EQ(message, "in coroutine");
    EXPECT_TRUE(c.of_type(PacketType::ack).empty());
}

TEST(Errors, ConnectHandlerExceptionRefusesTheConnection) {
    Harness h;
    h.io->on("connect", [](socketio::Socket&) { throw std::runtime_error("bug"); });
    auto c = h.accept();
    c.connect();
    h.poll();
    auto errors = c.of_type(PacketType::connect_error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].data, json({{"message", "Connection rejected by server"}}));
    EXPECT_FALSE(c.session->closed());
}

}  // namespace
}  // namespace sio_test
