// The README's C++ blocks, as written (cut out of README.md at build time by
// readme_snippets.cmake): the server's main(), the App's main() and the TestClient test. The
// mains call readme_serve() where the README calls io.run("127.0.0.1", 5000): it listens on a
// free port instead and runs `serve` below, which talks to the server and stops it.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "http_request.hpp"
#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"
#include "support/temp_dir.hpp"

// Their main()s: void, since only main() may end without a return statement.
void readme_main_1();  // "A Socket.IO server in a few lines"
void readme_main_2();  // "Pages, routes and tests in the same program"

namespace {

namespace http = boost::beast::http;
using sio_examples::request;
using socketio::json;
using socketio::testing::TestClient;

/// What readme_serve() does with the README's server (set by each test).
std::function<void(socketio::Server&)> serve;

/// Runs one of the README's mains in a temporary working directory (the App's "./public").
void run_in(const siotest::TempDir& dir, void (*main)()) {
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    main();
    std::filesystem::current_path(previous);
}

}  // namespace

void readme_serve(socketio::Server& io, std::string_view host, std::uint16_t port) {
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 5000);
    io.listen("127.0.0.1", 0);
    io.start();
    serve(io);
    io.stop();
}

TEST(Readme, ServerInAFewLines) {
    bool served = false;
    serve = [&](socketio::Server& io) {
        served = true;
        EXPECT_EQ(io.options().engine.cors.allowed_origins, std::vector<std::string>{"*"});
        TestClient stranger{io};
        EXPECT_FALSE(stranger.connect());  // no token: refused
        TestClient ann{io}, bob{io};
        ASSERT_TRUE(ann.connect("/", {.auth = {{"token", "a"}}}));
        ASSERT_TRUE(bob.connect("/", {.auth = {{"token", "b"}}}));
        ann.emit("join", "lobby");
        bob.emit("join", "lobby");
        auto echo = ann.emit_with_ack("echo", 1, "two");
        EXPECT_EQ(echo.args, json::array({1, "two"}));
        auto chat = ann.emit_with_ack("chat", json{{"room", "lobby"}, {"text", "hi"}});
        EXPECT_EQ(chat.args, json::array({json{{"ok", 1}}}));
        auto received = bob.get_received();
        ASSERT_EQ(received.size(), 1u);
        EXPECT_EQ(received[0].name, "chat");
        EXPECT_EQ(received[0].args[0]["text"], "hi");
        EXPECT_TRUE(ann.get_received().empty());  // the sender is left out
    };
    siotest::TempDir dir;
    run_in(dir, readme_main_1);
    EXPECT_TRUE(served);
}

TEST(Readme, PagesRoutesAndSessions) {
    siotest::TempDir dir;
    std::filesystem::create_directories(dir.file("public"));
    std::ofstream(dir.file("public/index.html")) << "<h1>chat</h1>";
    bool served = false;
    serve = [&](socketio::Server& io) {
        served = true;
        auto page = request(io.port(), http::verb::get, "/");
        EXPECT_EQ(page.result_int(), 200);
        EXPECT_EQ(page.body(), "<h1>chat</h1>");

        TestClient anonymous{io};
        EXPECT_FALSE(anonymous.connect());  // no session: refused

        auto login = request(io.port(), http::verb::post, "/login", R"({"user":"ann"})");
        EXPECT_EQ(login.result_int(), 200);
        EXPECT_EQ(json::parse(login.body()), json({{"ok", true}}));
        const std::string set_cookie(login[http::field::set_cookie]);
        ASSERT_TRUE(set_cookie.starts_with("session=")) << set_cookie;
        const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
        TestClient ann{io};
        EXPECT_TRUE(ann.connect("/", {.headers = {{"Cookie", cookie}}}));
    };
    run_in(dir, readme_main_2);
    EXPECT_TRUE(served);
}
