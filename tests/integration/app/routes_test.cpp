// Routes: parameters, query, 404/405, JSON in and out, cookies, redirects, HEAD, answers given
// later (another thread, a coroutine), exceptions → 500 with the connection kept.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "app_fixture.hpp"

namespace siotest {
namespace {

using socketio::HttpResponder;
using socketio::Request;
using socketio::Response;
using json = socketio::json;

void add_routes(socketio::Server&, socketio::App& app) {
    app.get("/users/{id}", [](Request& req) {
        return Response::json_body({{"id", req.param("id")}});
    });
    app.del("/users/{id}", [](Request& req) { return Response(204); });
    app.get("/files/{path...}",
            [](Request& req) { return Response(200, std::string(req.param("path"))); });
    app.get("/search", [](Request& req) {
        return Response(200, std::string(req.query("q").value_or("none")));
    });
    app.post("/echo", [](Request& req) { return Response::json_body(req.json_body(), 201); });
    app.get("/cookies", [](Request& req) {
        return Response::json_body(
                   {{"a", req.cookie("a").value_or("")}, {"b", req.cookie("b").value_or("")}})
            .set_cookie("seen", "yes", {.max_age = std::chrono::seconds(60), .secure = true});
    });
    app.get("/old", [](Request&) { return Response::redirect("/new", 301); });
    app.get("/later", [](Request&, HttpResponder responder) {
        std::thread([responder = std::move(responder)]() mutable {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            responder.send(Response(200, "later"));
        }).detach();
    });
    app.get("/coroutine", [](Request& req) -> boost::asio::awaitable<Response> {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(boost::asio::use_awaitable);
        co_return Response(200, "coroutine " + std::string(req.query("n").value_or("")));
    });
    app.get("/dropped", [](Request&, HttpResponder) {});
    app.get("/throws", [](Request&) -> Response { throw std::runtime_error("route bug"); });
    app.get("/teapot",
            [](Request&) -> Response { throw socketio::HttpError(418, "short and stout"); });
    app.get("/async-throws",
            [](Request&, HttpResponder) { throw std::runtime_error("async bug"); });
}

class Routes : public ::testing::Test {
  protected:
    AppServer server{add_routes};
};

TEST_F(Routes, ParametersArePercentDecodedSegments) {
    auto res = http_get(server.port(), "/users/a%20b");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body()), json({{"id", "a b"}}));
    EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
    // One segment per parameter: a longer path is another route's, or none.
    EXPECT_EQ(http_get(server.port(), "/users/1/2").result_int(), 404);
    EXPECT_EQ(http_get(server.port(), "/users/").result_int(), 404);
}

TEST_F(Routes, RestParameterTakesTheRestOfThePath) {
    auto res = http_get(server.port(), "/files/a/b/c.txt");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "a/b/c.txt");
}

TEST_F(Routes, QueryIsDecoded) {
    EXPECT_EQ(http_get(server.port(), "/search?x=1&q=a+b%21").body(), "a b!");
    EXPECT_EQ(http_get(server.port(), "/search").body(), "none");
}

TEST_F(Routes, UnknownPathIs404AndOtherMethodIs405WithAllow) {
    EXPECT_EQ(http_get(server.port(), "/nothing-here").result_int(), 404);
    HttpClient client(server.port());
    auto res = client.request("POST", "/users/7", {}, "x");
    EXPECT_EQ(res.result_int(), 405);
    EXPECT_EQ(res[boost::beast::http::field::allow], "GET, HEAD, DELETE");
    EXPECT_EQ(client.request("DELETE", "/users/7").result_int(), 204);
}

TEST_F(Routes, JsonInAndOutAndBadJsonIs400) {
    HttpClient client(server.port());
    auto res = client.request("POST", "/echo", {{"Content-Type", "application/json"}},
                              R"({"a":[1,2,{"b":null}]})");
    EXPECT_EQ(res.result_int(), 201);
    EXPECT_EQ(json::parse(res.body()), json::parse(R"({"a":[1,2,{"b":null}]})"));
    auto bad = client.request("POST", "/echo", {}, "{not json");
    EXPECT_EQ(bad.result_int(), 400);
    // The connection survives both.
    EXPECT_EQ(client.request("GET", "/users/1").result_int(), 200);
}

TEST_F(Routes, CookiesInAndSetCookieWithAttributes) {
    auto res = http_get(server.port(), "/cookies", {{"Cookie", "a=1; b=\"two\""}});
    EXPECT_EQ(json::parse(res.body()), json({{"a", "1"}, {"b", "two"}}));
    EXPECT_EQ(res[boost::beast::http::field::set_cookie],
              "seen=yes; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST_F(Routes, Redirect) {
    auto res = http_get(server.port(), "/old");
    EXPECT_EQ(res.result_int(), 301);
    EXPECT_EQ(res[boost::beast::http::field::location], "/new");
}

TEST_F(Routes, HeadOfAGetRouteHasItsHeadersAndNoBody) {
    HttpClient client(server.port());
    auto res = client.request("HEAD", "/users/12345");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[boost::beast::http::field::content_length],
              std::to_string(json({{"id", "12345"}}).dump().size()));
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(client.request("GET", "/users/1").body(), R"({"id":"1"})");  // framing intact
}

TEST_F(Routes, AnswerFromAnotherThreadLater) {
    HttpClient client(server.port());
    EXPECT_EQ(client.request("GET", "/later").body(), "later");
    EXPECT_EQ(client.request("GET", "/later").body(), "later");  // keep-alive after it
}

TEST_F(Routes, CoroutineRoute) {
    EXPECT_EQ(http_get(server.port(), "/coroutine?n=7").body(), "coroutine 7");
}

TEST_F(Routes, ExceptionIs500AndTheConnectionLives) {
    HttpClient client(server.port());
    EXPECT_EQ(client.request("GET", "/throws").result_int(), 500);
    EXPECT_EQ(client.request("GET", "/async-throws").result_int(), 500);
    EXPECT_EQ(client.request("GET", "/dropped").result_int(), 500);
    auto teapot = client.request("GET", "/teapot");
    EXPECT_EQ(teapot.result_int(), 418);
    EXPECT_EQ(teapot.body(), "short and stout");
    EXPECT_EQ(client.request("GET", "/users/9").result_int(), 200);
}

TEST(RoutePatterns, RestParameterMustEndThePattern) {
    socketio::Server io(AppServer::default_options());
    socketio::App app(io);
    EXPECT_THROW(app.get("/a/{rest...}/b", [](Request&) { return Response(); }),
                 std::invalid_argument);
    EXPECT_THROW(app.get("no-slash", [](Request&) { return Response(); }), std::invalid_argument);
}

}  // namespace
}  // namespace siotest
