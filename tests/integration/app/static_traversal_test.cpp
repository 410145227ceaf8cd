// Static files never leave their folder: each path of the attack list is refused (403/404, or
// the request rejected outright) and never returns the secret beside the folder; a symlink inside
// the folder that points outside it is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "support/temp_dir.hpp"

namespace siotest {
namespace {

constexpr const char* secret = "TOP-SECRET-CONTENT";

struct Outcome {
    int status = 0;  // 0: the server closed the connection without a response
    std::string body;
};

Outcome fetch(std::uint16_t port, const std::string& target) {
    try {
        HttpClient client(port);
        auto res = client.raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        return {static_cast<int>(res.result_int()), res.body()};
    } catch (const std::exception&) {
        return {};
    }
}

class Traversal : public ::testing::Test {
  protected:
    void SetUp() override {
        namespace fs = std::filesystem;
        std::ofstream(dir.file("secret.txt")) << secret;
        fs::create_directories(dir.file("outside"));
        std::ofstream(dir.file("outside/secret.txt")) << secret;
        fs::create_directories(dir.file("public/sub"));
        std::ofstream(dir.file("public/ok.txt")) << "fine";
        std::ofstream(dir.file("public/.env")) << secret;
        fs::create_symlink(dir.file("secret.txt"), dir.file("public/link.txt"));
        fs::create_symlink(dir.file("outside"), dir.file("public/linkdir"));
        fs::create_symlink("ok.txt", dir.file("public/inside-link.txt"));
        server = std::make_unique<AppServer>([this](socketio::Server&, socketio::App& app) {
            app.static_files("/static", dir.file("public"));
        });
    }

    TempDir dir;
    std::unique_ptr<AppServer> server;
};

TEST_F(Traversal, ControlsAreServed) {
    // The attacks below must fail because of the path, not because nothing is ever served.
    EXPECT_EQ(fetch(server->port(), "/static/ok.txt").body, "fine");
    EXPECT_EQ(fetch(server->port(), "/static/sub/../ok.txt").status, 403);
    EXPECT_EQ(fetch(server->port(), "/static/inside-link.txt").body, "fine");
    EXPECT_EQ(fetch(server->port(), "/static/%6fk.txt").body, "fine");  // %6f = 'o', decoded once
}

TEST_F(Traversal, AttackListIsRefused) {
    const std::vector<std::string> attacks = {
        "/static/../secret.txt",
        "/static/..",
        "/static/sub/../../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/%2E%2E%2Fsecret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%2Fsecret.txt",
        "/static/.%2e/secret.txt",
        "/static/%252e%252e/secret.txt",  // double-encoded: decoded once, a plain name
        "/static/%252e%252e%252fsecret.txt",
        "/static/..\\secret.txt",  // backslashes
        "/static/%5c..%5csecret.txt",
        "/static/..%5csecret.txt",
        "/static//etc/passwd",  // absolute paths
        "/static/%2fetc%2fpasswd",
        "/static/" + std::string(dir.file("secret.txt")),
        "/static/%2f" + std::string(dir.file("secret.txt")).substr(1),
        "/static/ok.txt%00.html",  // NUL
        "/static/%00",
        "/static/%c0%ae%c0%ae/secret.txt",  // overlong UTF-8 for '.'
        "/static/%c0%ae%c0%ae%c0%afsecret.txt",
        "/static/%e0%80%ae%e0%80%ae/secret.txt",
        "/static/%ff%fe",              // not UTF-8 at all
        "/static/link.txt",            // a symlink to a file outside
        "/static/linkdir/secret.txt",  // a symlink to a folder outside
        "/static/linkdir/",
        "/static/.env",  // hidden files
        "/static/%2eenv",
        "/static/" + std::string(4000, 'a'),  // very long
        "/static/" +
            [] {
                std::string deep;
                for (int i = 0; i < 600; ++i) deep += "../";
                return deep + "secret.txt";
            }(),
        "/static/%zz",  // a bad escape
    };
    for (const auto& attack : attacks) {
        const Outcome outcome = fetch(server->port(), attack);
        EXPECT_TRUE(outcome.status == 0 || outcome.status == 400 || outcome.status == 403 ||
                    outcome.status == 404)
            << attack << " → " << outcome.status;
        EXPECT_EQ(outcome.body.find(secret), std::string::npos) << attack << " leaked the secret";
    }
}

}  // namespace
}  // namespace siotest
