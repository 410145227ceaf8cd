// engine.http.max_body_size bounds the body of a request for the application: over it 413 and
// the connection closes, the route never runs; the Engine.IO path keeps its own bound.
#include <gtest/gtest.h>

#include <atomic>

#include "app_fixture.hpp"

namespace siotest {
namespace {

TEST(BodyLimit, OverTheLimitIs413AndTheRouteNeverRuns) {
    static std::atomic<int> calls{0};
    auto options = AppServer::default_options();
    options.engine.http.max_body_size = 1000;
    AppServer server(
        [](socketio::Server&, socketio::App& app) {
            app.post("/upload", [](socketio::Request& req) {
                ++calls;
                return socketio::Response(200, std::to_string(req.body().size()));
            });
        },
        {}, options);
    {
        HttpClient client(server.port());
        auto ok = client.request("POST", "/upload", {}, std::string(1000, 'x'));
        EXPECT_EQ(ok.result_int(), 200);
        EXPECT_EQ(ok.body(), "1000");
    }
    {
        HttpClient client(server.port());
        auto refused = client.request("POST", "/upload", {}, std::string(1001, 'x'));
        EXPECT_EQ(refused.result_int(), 413);
        EXPECT_TRUE(client.closed_by_server());
    }
    {
        // A chunked body is counted as it arrives.
        HttpClient client(server.port());
        const std::string chunk(600, 'y');
        auto refused = client.raw(
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
            chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
        EXPECT_EQ(refused.result_int(), 413);
    }
    EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace siotest
