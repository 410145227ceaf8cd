// Signed sessions: a route logs in and sets the cookie; the cookie carries the session to later
// requests and to Socket.IO connections (connect and event handlers; changes there stay with the
// connection); a tampered, foreign-key or expired cookie is no session.
#include <gtest/gtest.h>

#include "app_fixture.hpp"
#include "support/environment.hpp"

namespace siotest {
namespace {

namespace http = boost::beast::http;
using socketio::Request;
using socketio::Response;
using json = socketio::json;

void add_login(socketio::Server& io, socketio::App& app) {
    app.post("/login", [](Request& req) {
        req.session()["user"] = req.json_body().at("user");
        return Response(204);
    });
    app.get("/me", [](Request& req) {
        const json& session = req.session();
        if (!session.contains("user")) return Response(401, "who are you?");
        return Response(200, session["user"].get<std::string>());
    });
    app.post("/logout", [](Request& req) {
        req.session() = json::object();
        return Response(204);
    });
    // Socket.IO: only logged-in users connect; handlers see and change the session.
    io.on_connect([](socketio::Socket& s) { return s.get_session().contains("user"); });
    io.on("whoami", [](socketio::Socket& s) { return s.get_session(); });
    io.on("set_color", [](socketio::Socket& s, const std::string& color) {
        s.update_session([&](json& session) { session["color"] = color; });
        return true;
    });
}

socketio::AppOptions with_key(std::string key) {
    return {.secret_key = std::move(key)};
}

/// The cookie pair ("session=…") of a Set-Cookie header.
std::string cookie_pair(std::string_view set_cookie) {
    return std::string(set_cookie.substr(0, set_cookie.find(';')));
}

std::string login(std::uint16_t port, const std::string& user) {
    HttpClient client(port);
    auto res = client.request("POST", "/login", {}, json({{"user", user}}).dump());
    EXPECT_EQ(res.result_int(), 204);
    return cookie_pair(res[http::field::set_cookie]);
}

int me(std::uint16_t port, const std::string& cookie, std::string* body = nullptr) {
    auto res = http_get(port, "/me", {{"Cookie", cookie}});
    if (body) *body = res.body();
    return res.result_int();
}

TEST(Sessions, LoginSetsASignedCookieThatLaterRequestsRead) {
    AppServer server(add_login, with_key("k1-long-random-secret"));
    HttpClient client(server.port());
    auto res = client.request("POST", "/login", {}, R"({"user":"ada"})");
    const std::string set_cookie(res[http::field::set_cookie]);
    EXPECT_TRUE(set_cookie.starts_with("session=")) << set_cookie;
    EXPECT_NE(set_cookie.find("; Max-Age=2678400; Path=/; HttpOnly; SameSite=Lax"),
              std::string::npos)
        << set_cookie;
    std::string body;
    EXPECT_EQ(me(server.port(), cookie_pair(set_cookie), &body), 200);
    EXPECT_EQ(body, "ada");
    EXPECT_EQ(me(server.port(), ""), 401);
    // A request that does not change the session sets no cookie.
    auto unchanged = http_get(server.port(), "/me", {{"Cookie", cookie_pair(set_cookie)}});
    EXPECT_EQ(unchanged.count(http::field::set_cookie), 0u);
}

TEST(Sessions, LogoutDeletesTheCookie) {
    AppServer server(add_login, with_key("k1-long-random-secret"));
    const std::string cookie = login(server.port(), "ada");
    HttpClient client(server.port());
    auto res = client.request("POST", "/logout", {{"Cookie", cookie}});
    const std::string set_cookie(res[http::field::set_cookie]);
    EXPECT_TRUE(set_cookie.starts_with("session=; Max-Age=0;")) << set_cookie;
}

TEST(Sessions, TamperedForeignAndExpiredCookiesAreNoSession) {
    AppServer server(add_login, with_key("k1-long-random-secret"));
    const std::string cookie = login(server.port(), "ada");
    ASSERT_EQ(me(server.port(), cookie), 200);

    // Every single character changed, in the payload and in the signature.
    const std::size_t start = std::string("session=").size();
    for (std::size_t i = start; i < cookie.size(); ++i) {
        std::string tampered = cookie;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        EXPECT_EQ(me(server.port(), tampered), 401) << "changed at " << i;
    }
    // A payload of another user with the old signature.
    const auto dot = cookie.rfind('.');
    AppServer other(add_login, with_key("another-key"));
    const std::string foreign = login(other.port(), "eve");
    EXPECT_EQ(me(server.port(), foreign), 401);  // signed with another key
    const std::string spliced = foreign.substr(0, foreign.rfind('.')) + cookie.substr(dot);
    EXPECT_EQ(me(server.port(), spliced), 401);
    EXPECT_EQ(me(server.port(), "session=garbage"), 401);
    EXPECT_EQ(me(server.port(), "session=."), 401);

    // Signed with the right key but past its max_age.
    socketio::AppOptions expiring = with_key("k1-long-random-secret");
    expiring.session.max_age = std::chrono::seconds(0);
    AppServer expired_issuer(add_login, expiring);
    EXPECT_EQ(me(server.port(), login(expired_issuer.port(), "ada")), 401);
}

std::vector<json> parse_json_lines(const std::string& out) {
    std::vector<json> lines;
    std::size_t start = 0;
    while (start < out.size()) {
        const auto end = out.find('\n', start);
        const std::string line = out.substr(start, end - start);
        if (!line.empty() && line.front() == '{') lines.push_back(json::parse(line));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

struct ClientReport {
    ProcessResult process;
    std::vector<json> lines;
};

ClientReport run_client(const AppServer& server, const std::string& transport,
                        const std::string& cookie) {
    ClientReport report;
    report.process = run_node_script("app/session-client.mjs", {server.url(), transport, cookie});
    report.lines = parse_json_lines(report.process.out);
    return report;
}

class SocketSessions : public ::testing::TestWithParam<std::string> {};

TEST_P(SocketSessions, HandshakeCookieSeedsTheSocketSession) {
    AppServer server(add_login, with_key("k1-long-random-secret"));
    const std::string cookie = login(server.port(), "ada");
    auto report = run_client(server, GetParam(), cookie);
    ASSERT_TRUE(report.process.ok()) << report.process.describe();
    ASSERT_EQ(report.lines.size(), 3u) << report.process.describe();
    EXPECT_EQ(report.lines[0]["event"], "connected");  // the connect handler saw the user
    EXPECT_EQ(report.lines[1]["session"], json({{"user", "ada"}}));
    EXPECT_EQ(report.lines[2]["session"], json({{"user", "ada"}, {"color", "blue"}}));
    // The Socket.IO side's change is not written back to the cookie.
    std::string body;
    EXPECT_EQ(me(server.port(), cookie, &body), 200);
    EXPECT_EQ(body, "ada");
}

TEST_P(SocketSessions, TamperedCookieIsRefused) {
    AppServer server(add_login, with_key("k1-long-random-secret"));
    std::string cookie = login(server.port(), "ada");
    cookie[cookie.size() / 2] = cookie[cookie.size() / 2] == 'x' ? 'y' : 'x';
    auto report = run_client(server, GetParam(), cookie);
    ASSERT_TRUE(report.process.ok()) << report.process.describe();
    ASSERT_EQ(report.lines.size(), 1u) << report.process.describe();
    EXPECT_EQ(report.lines[0]["event"], "connect_error");
    auto none = run_client(server, GetParam(), "");
    ASSERT_EQ(none.lines.size(), 1u) << none.process.describe();
    EXPECT_EQ(none.lines[0]["event"], "connect_error");
}

INSTANTIATE_TEST_SUITE_P(Transports, SocketSessions, ::testing::Values("polling", "websocket"));

TEST(Sessions, RouteUsingSessionsWithoutAKeyIs500) {
    AppServer server(add_login);
    HttpClient client(server.port());
    EXPECT_EQ(client.request("POST", "/login", {}, R"({"user":"ada"})").result_int(), 500);
}

}  // namespace
}  // namespace siotest
