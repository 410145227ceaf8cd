// One keep-alive connection carries application requests and Engine.IO polling requests in any
// order: each goes where its path says, and the connection stays open between them.
#include <gtest/gtest.h>

#include "app_fixture.hpp"

namespace siotest {
namespace {

TEST(KeepAliveMixed, AppAndEngineRequestsOnOneConnection) {
    AppServer server([](socketio::Server& io, socketio::App& app) {
        app.get("/hello", [](socketio::Request&) { return socketio::Response(200, "hello"); });
        io.on("ping", [](socketio::Socket&) { return std::string("pong"); });
    });
    HttpClient client(server.port());
    EXPECT_EQ(client.request("GET", "/hello").body(), "hello");

    auto open = client.request("GET", "/socket.io/?EIO=4&transport=polling");
    ASSERT_EQ(open.result_int(), 200);
    ASSERT_EQ(open.body().front(), '0') << open.body();
    const auto handshake = socketio::json::parse(open.body().substr(1));
    const std::string sid = handshake.at("sid");
    const std::string polling = "/socket.io/?EIO=4&transport=polling&sid=" + sid;

    EXPECT_EQ(client.request("GET", "/hello").body(), "hello");
    EXPECT_EQ(client.request("POST", polling, {{"Content-Type", "text/plain"}}, "40").body(), "ok");
    EXPECT_EQ(client.request("GET", "/nope").result_int(), 404);
    auto connected = client.request("GET", polling);
    EXPECT_TRUE(connected.body().starts_with("40{\"sid\":")) << connected.body();
    EXPECT_EQ(client.request("POST", polling, {}, "421[\"ping\"]").body(), "ok");
    EXPECT_EQ(client.request("GET", polling).body(), "431[\"pong\"]");
    EXPECT_EQ(client.request("GET", "/hello").body(), "hello");
}

TEST(KeepAliveMixed, WithoutAnAppOtherPathsAre404) {
    auto options = AppServer::default_options();
    socketio::Server io(options);
    io.listen("127.0.0.1", 0);
    io.start();
    HttpClient client(io.port());
    EXPECT_EQ(client.request("GET", "/hello").result_int(), 404);
    EXPECT_EQ(client.request("GET", "/socket.io/?EIO=4&transport=polling").result_int(), 200);
    io.stop();
}

}  // namespace
}  // namespace siotest
