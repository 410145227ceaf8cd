// Static files: content types, ETag / Last-Modified with 304, HEAD, index.html, no listings,
// the mount prefix, and a large file streamed whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "support/temp_dir.hpp"

namespace siotest {
namespace {

namespace http = boost::beast::http;

void write_file(const std::string& path, const std::string& content) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

std::string large_content() {
    std::string content;
    for (int i = 0; content.size() < 300 * 1024; ++i) content += std::to_string(i) + ",";
    return content;
}

class StaticFiles : public ::testing::Test {
  protected:
    static std::string public_dir(const TempDir& dir) {
        const std::string root = dir.file("public");
        write_file(root + "/index.html", "<h1>home</h1>");
        write_file(root + "/app.js", "console.log(1)");
        write_file(root + "/lib.mjs", "export {}");
        write_file(root + "/style.css", "body{}");
        write_file(root + "/data.json", "{}");
        write_file(root + "/logo.svg", "<svg/>");
        write_file(root + "/pixel.png", std::string("\x89PNG\r\n\x1a\n", 8));
        write_file(root + "/photo.JPG", "jpg");
        write_file(root + "/anim.gif", "gif");
        write_file(root + "/favicon.ico", "ico");
        write_file(root + "/module.wasm", "wasm");
        write_file(root + "/notes.txt", "notes");
        write_file(root + "/app.js.map", "{}");
        write_file(root + "/font.woff2", "font");
        write_file(root + "/blob.xyz", "?");
        write_file(root + "/noextension", "?");
        write_file(root + "/docs/index.html", "<h1>docs</h1>");
        write_file(root + "/large.bin", large_content());
        std::filesystem::create_directories(root + "/empty");
        return root;
    }

    TempDir dir;
    std::string root = public_dir(dir);
    AppServer server{[this](socketio::Server&, socketio::App& app) {
        app.get("/api/ping", [](socketio::Request&) { return socketio::Response(200, "pong"); });
        app.static_files("/static", root);
        app.static_files("/", root);
    }};
};

TEST_F(StaticFiles, ContentTypesByExtension) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"/static/index.html", "text/html; charset=utf-8"},
        {"/static/app.js", "text/javascript; charset=utf-8"},
        {"/static/lib.mjs", "text/javascript; charset=utf-8"},
        {"/static/style.css", "text/css; charset=utf-8"},
        {"/static/data.json", "application/json"},
        {"/static/logo.svg", "image/svg+xml"},
        {"/static/pixel.png", "image/png"},
        {"/static/photo.JPG", "image/jpeg"},
        {"/static/anim.gif", "image/gif"},
        {"/static/favicon.ico", "image/x-icon"},
        {"/static/module.wasm", "application/wasm"},
        {"/static/notes.txt", "text/plain; charset=utf-8"},
        {"/static/app.js.map", "application/json"},
        {"/static/font.woff2", "font/woff2"},
        {"/static/blob.xyz", "application/octet-stream"},
        {"/static/noextension", "application/octet-stream"},
    };
    HttpClient client(server.port());
    for (const auto& [target, type] : expected) {
        auto res = client.request("GET", target);
        EXPECT_EQ(res.result_int(), 200) << target;
        EXPECT_EQ(res[http::field::content_type], type) << target;
    }
    EXPECT_EQ(client.request("GET", "/static/pixel.png").body(),
              std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(StaticFiles, EtagAnswers304) {
    HttpClient client(server.port());
    auto first = client.request("GET", "/static/app.js");
    const std::string etag(first[http::field::etag]);
    ASSERT_FALSE(etag.empty());
    auto again = client.request("GET", "/static/app.js", {{"If-None-Match", etag}});
    EXPECT_EQ(again.result_int(), 304);
    EXPECT_TRUE(again.body().empty());
    EXPECT_EQ(again[http::field::etag], etag);
    EXPECT_EQ(client.request("GET", "/static/app.js", {{"If-None-Match", "\"other\", " + etag}})
                  .result_int(),
              304);
    EXPECT_EQ(
        client.request("GET", "/static/app.js", {{"If-None-Match", "\"other\""}}).result_int(),
        200);
    // The file changes: so does its ETag.
    write_file(root + "/app.js", "console.log(2) // changed");
    auto changed = client.request("GET", "/static/app.js", {{"If-None-Match", etag}});
    EXPECT_EQ(changed.result_int(), 200);
    EXPECT_EQ(changed.body(), "console.log(2) // changed");
    EXPECT_NE(changed[http::field::etag], etag);
}

TEST_F(StaticFiles, LastModifiedAnswers304) {
    std::filesystem::last_write_time(
        root + "/notes.txt",
        std::filesystem::file_time_type::clock::now() - std::chrono::hours(48));
    HttpClient client(server.port());
    auto first = client.request("GET", "/static/notes.txt");
    const std::string modified(first[http::field::last_modified]);
    ASSERT_EQ(modified.size(), 29u) << modified;
    EXPECT_EQ(
        client.request("GET", "/static/notes.txt", {{"If-Modified-Since", modified}}).result_int(),
        304);
    EXPECT_EQ(client
                  .request("GET", "/static/notes.txt",
                           {{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}})
                  .result_int(),
              200);
    EXPECT_EQ(
        client.request("GET", "/static/notes.txt", {{"If-Modified-Since", "garbage"}}).result_int(),
        200);
}

TEST_F(StaticFiles, HeadHasLengthAndNoBody) {
    HttpClient client(server.port());
    auto res = client.request("HEAD", "/static/large.bin");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::content_length], std::to_string(large_content().size()));
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(client.request("GET", "/static/notes.txt").body(), "notes");  // framing intact
    auto post = client.request("POST", "/static/notes.txt", {}, "x");
    EXPECT_EQ(post.result_int(), 405);
    EXPECT_EQ(post[http::field::allow], "GET, HEAD");
}

TEST_F(StaticFiles, LargeFileStreamsWhole) {
    HttpClient client(server.port());
    auto res = client.request("GET", "/static/large.bin");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), large_content());
    EXPECT_EQ(client.request("GET", "/static/notes.txt").body(), "notes");  // keep-alive after it
}

TEST_F(StaticFiles, IndexHtmlForAFolderAndNoListing) {
    EXPECT_EQ(http_get(server.port(), "/").body(), "<h1>home</h1>");
    EXPECT_EQ(http_get(server.port(), "/static/").body(), "<h1>home</h1>");
    EXPECT_EQ(http_get(server.port(), "/static/docs/").body(), "<h1>docs</h1>");
    auto slashless = http_get(server.port(), "/static/docs");
    EXPECT_EQ(slashless.result_int(), 301);
    EXPECT_EQ(slashless[http::field::location], "/static/docs/");
    auto empty = http_get(server.port(), "/static/empty/");
    EXPECT_EQ(empty.result_int(), 404);
    EXPECT_EQ(empty.body().find("index"), std::string::npos);
}

TEST_F(StaticFiles, MountPrefixAndRoutesFirst) {
    EXPECT_EQ(http_get(server.port(), "/api/ping").body(), "pong");
    EXPECT_EQ(http_get(server.port(), "/notes.txt").body(), "notes");  // the "/" mount
    EXPECT_EQ(http_get(server.port(), "/staticnotes.txt").result_int(), 404);
    EXPECT_EQ(http_get(server.port(), "/missing.txt").result_int(), 404);
}

TEST(StaticFolder, MustBeADirectory) {
    socketio::Server io(AppServer::default_options());
    socketio::App app(io);
    EXPECT_THROW(app.static_files("/x", "/nonexistent/folder"), std::invalid_argument);
}

}  // namespace
}  // namespace siotest
