// The login example: a user signed in over HTTP is known to its Socket.IO connection through the
// signed session cookie; without it, or with a tampered one, the connection is refused; what a
// socket changes in its session stays with that socket.

#include <gtest/gtest.h>

#include "http_request.hpp"
#include "login.hpp"
#include "socketio/test_client.hpp"

namespace {

namespace http = boost::beast::http;
using sio_examples::cookie_of;
using sio_examples::request;
using socketio::json;
using socketio::testing::TestClient;

struct LoginExample : ::testing::Test {
    socketio::Server io;
    socketio::App app{io, {.secret_key = "the login example's test key, long and random"}};
    LoginExample() {
        install_login(io, app);
        io.listen("127.0.0.1", 0);
        io.start();
    }
    ~LoginExample() override { io.stop(); }

    /// Signs `user` in over HTTP; returns the session cookie ("session=…").
    std::string login(const std::string& user) {
        auto response = request(io.port(), http::verb::post, "/login", json{{"user", user}}.dump());
        EXPECT_EQ(response.result_int(), 200) << response.body();
        return cookie_of(response);
    }
    http::response<http::string_body> me(const std::string& cookie) {
        return request(io.port(), http::verb::get, "/me", {}, {{"Cookie", cookie}});
    }
};

TEST_F(LoginExample, TheHttpLoginIsKnownOnTheSocket) {
    EXPECT_EQ(request(io.port(), http::verb::get, "/me").result_int(), 401);
    const auto cookie = login("ann");
    ASSERT_TRUE(cookie.starts_with("session=")) << cookie;
    EXPECT_EQ(json::parse(me(cookie).body()), json({{"user", "ann"}}));

    TestClient ann{io};
    ASSERT_TRUE(ann.connect("/", {.headers = {{"Cookie", cookie}}}));
    EXPECT_EQ(ann.emit_with_ack("whoami").args, json::array({"ann"}));
}

TEST_F(LoginExample, WithoutASessionTheSocketIsRefused) {
    TestClient stranger{io};
    auto result = stranger.connect();
    EXPECT_FALSE(result);
    EXPECT_EQ(result.ec, socketio::testing::error::connect_refused);
    EXPECT_EQ(result.message, "login first");
}

TEST_F(LoginExample, ATamperedCookieIsNoSession) {
    auto cookie = login("ann");
    // Another user's name cannot be signed without the key: flip one character of the value.
    cookie.back() = cookie.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(me(cookie).result_int(), 401);
    TestClient forger{io};
    EXPECT_FALSE(forger.connect("/", {.headers = {{"Cookie", cookie}}}));
}

TEST_F(LoginExample, ASocketsSessionChangesStayWithThatSocket) {
    const auto cookie = login("ann");
    TestClient first{io}, second{io};
    ASSERT_TRUE(first.connect("/", {.headers = {{"Cookie", cookie}}}));
    ASSERT_TRUE(second.connect("/", {.headers = {{"Cookie", cookie}}}));
    EXPECT_EQ(first.emit_with_ack("nickname", "annie").args, json::array({json{{"ok", true}}}));
    EXPECT_EQ(first.emit_with_ack("whoami").args, json::array({"annie"}));
    EXPECT_EQ(second.emit_with_ack("whoami").args, json::array({"ann"}));
    EXPECT_EQ(json::parse(me(cookie).body()), json({{"user", "ann"}}));  // the cookie's own
}

TEST_F(LoginExample, LogoutAndBadLogins) {
    const auto cookie = login("ann");
    auto out = request(io.port(), http::verb::post, "/logout", {}, {{"Cookie", cookie}});
    EXPECT_EQ(out.result_int(), 200);
    const std::string deleted(out[http::field::set_cookie]);
    EXPECT_NE(deleted.find("Max-Age=0"), std::string::npos) << deleted;

    EXPECT_EQ(request(io.port(), http::verb::post, "/login", R"({"user":""})").result_int(), 400);
    EXPECT_EQ(request(io.port(), http::verb::post, "/login", R"({"user":7})").result_int(), 400);
    EXPECT_EQ(request(io.port(), http::verb::post, "/login", "not json").result_int(), 400);
}

}  // namespace
