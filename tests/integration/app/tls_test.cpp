// Over TLS the application's requests take the same path: a route, and a large static file
// streamed through the TLS stream, both read by Node's fetch on one keep-alive connection.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "support/environment.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_cert.hpp"

namespace siotest {
namespace {

TEST(Tls, RoutesAndStreamedStaticFiles) {
    TempDir dir;
    const TlsFiles tls = make_self_signed_certificate(dir.path());
    std::filesystem::create_directories(dir.file("public"));
    const std::string large(500 * 1024, 'z');
    std::ofstream(dir.file("public/large.txt")) << large;
    auto options = AppServer::default_options();
    options.engine.tls = engineio::TlsOptions{tls.certificate_file, tls.private_key_file};
    AppServer server(
        [&](socketio::Server&, socketio::App& app) {
            app.get("/hello",
                    [](socketio::Request& req) { return socketio::Response(200, "secure hello"); });
            app.static_files("/static", dir.file("public"));
        },
        {}, options);
    const std::string base = "https://localhost:" + std::to_string(server.port());
    auto result =
        run_node_script("app/fetch.mjs", {base + "/hello", base + "/static/large.txt"},
                        std::chrono::seconds(20), {{"NODE_EXTRA_CA_CERTS", tls.certificate_file}});
    ASSERT_TRUE(result.ok()) << result.describe();
    const auto lines = [&] {
        std::vector<socketio::json> parsed;
        std::size_t start = 0;
        while (start < result.out.size()) {
            const auto end = result.out.find('\n', start);
            parsed.push_back(socketio::json::parse(result.out.substr(start, end - start)));
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return parsed;
    }();
    ASSERT_EQ(lines.size(), 2u) << result.out;
    EXPECT_EQ(lines[0]["status"], 200);
    EXPECT_EQ(lines[0]["body"], "secure hello");
    EXPECT_EQ(lines[1]["status"], 200);
    EXPECT_EQ(lines[1]["length"], large.size());
}

}  // namespace
}  // namespace siotest
