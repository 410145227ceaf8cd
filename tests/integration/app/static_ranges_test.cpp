// Byte ranges of static files: one range answers 206 with Content-Range, a range past the end
// 416 with "bytes */size", what the server may ignore (syntax errors, several ranges, a stale
// If-Range) 200 with the whole file — over real HTTP, hostile headers included.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "support/temp_dir.hpp"

namespace siotest {
namespace {

namespace http = boost::beast::http;

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

/// 300 KB that differ everywhere (a wrong offset shows), more than static_read_whole_max: the
/// ranges of this file are streamed.
std::string large_content() {
    std::string content;
    for (int i = 0; content.size() < 300 * 1024; ++i) content += std::to_string(i) + ",";
    return content;
}

class StaticRanges : public ::testing::Test {
  protected:
    static std::string public_dir(const TempDir& dir) {
        const std::string root = dir.file("public");
        std::filesystem::create_directories(root);
        write_file(root + "/digits.txt", "0123456789");
        write_file(root + "/empty.txt", "");
        write_file(root + "/large.bin", large_content());
        return root;
    }

    HttpResponse get(const std::string& target, const std::string& range,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
        headers.emplace_back("Range", range);
        return client.request("GET", target, headers);
    }

    TempDir dir;
    std::string root = public_dir(dir);
    AppServer server{
        [this](socketio::Server&, socketio::App& app) { app.static_files("/", root); }};
    HttpClient client{server.port()};
};

TEST_F(StaticRanges, OneRangeAnswers206WithContentRange) {
    struct Case {
        std::string range, body, content_range;
    };
    const std::vector<Case> cases = {
        {"bytes=2-5", "2345", "bytes 2-5/10"},
        {"bytes=0-0", "0", "bytes 0-0/10"},
        {"bytes=7-", "789", "bytes 7-9/10"},
        {"bytes=-3", "789", "bytes 7-9/10"},
        {"bytes=-100", "0123456789", "bytes 0-9/10"},  // longer than the file: all of it
        {"bytes=5-100", "56789", "bytes 5-9/10"},      // an end past the file is cut to it
        {"bytes=9-9", "9", "bytes 9-9/10"},
        {"bytes=3-99999999999999999999999999", "3456789", "bytes 3-9/10"},  // end overflows
        {"Bytes=1-2", "12", "bytes 1-2/10"},    // the unit is case-insensitive
        {"bytes= 1-2 ", "12", "bytes 1-2/10"},  // optional whitespace
    };
    for (const auto& c : cases) {
        auto res = get("/digits.txt", c.range);
        EXPECT_EQ(res.result_int(), 206) << c.range;
        EXPECT_EQ(res.body(), c.body) << c.range;
        EXPECT_EQ(res[http::field::content_range], c.content_range) << c.range;
        EXPECT_EQ(res[http::field::content_length], std::to_string(c.body.size())) << c.range;
        EXPECT_EQ(res[http::field::accept_ranges], "bytes") << c.range;
        EXPECT_EQ(res[http::field::content_type], "text/plain; charset=utf-8") << c.range;
        EXPECT_FALSE(res[http::field::etag].empty()) << c.range;
    }
}

TEST_F(StaticRanges, PastTheEndAnswers416) {
    for (const std::string range :
         {"bytes=10-", "bytes=10-20", "bytes=500-", "bytes=-0", "bytes=99999999999999999999999999-",
          "bytes=18446744073709551615-18446744073709551615", "bytes=18446744073709551616-"}) {
        auto res = get("/digits.txt", range);
        EXPECT_EQ(res.result_int(), 416) << range;
        EXPECT_EQ(res[http::field::content_range], "bytes */10") << range;
    }
    EXPECT_EQ(client.request("GET", "/digits.txt").body(), "0123456789");  // keep-alive after it
}

TEST_F(StaticRanges, WhatMayBeIgnoredAnswers200Whole) {
    std::string many_ranges = "bytes=";
    for (int i = 0; i < 1000; ++i) many_ranges += std::to_string(i % 10) + "-9,";
    many_ranges += "0-0";
    for (const std::string range :
         {"bytes=--1", "bytes=5-3", "bytes=", "bytes=-", "bytes", "bytes=abc", "bytes=1-2-3",
          "bytes=+1-2", "bytes=0x1-2", "bytes=1--2", "bytes=-1-", "items=0-1", "0-1",
          "bytes=0-1,3-4", "bytes=0-1,", ",", many_ranges.c_str()}) {
        auto res = get("/digits.txt", range);
        EXPECT_EQ(res.result_int(), 200) << range;
        EXPECT_EQ(res.body(), "0123456789") << range;
        EXPECT_EQ(res[http::field::accept_ranges], "bytes") << range;
        EXPECT_EQ(res.find(http::field::content_range), res.end()) << range;
    }
    // An empty file has no byte to point at.
    auto empty = get("/empty.txt", "bytes=0-");
    EXPECT_EQ(empty.result_int(), 200);
    EXPECT_TRUE(empty.body().empty());
}

TEST_F(StaticRanges, LargeFileRangesStream) {
    const std::string content = large_content();
    const std::string size = std::to_string(content.size());
    auto middle = get("/large.bin", "bytes=100000-250000");
    EXPECT_EQ(middle.result_int(), 206);
    EXPECT_EQ(middle.body(), content.substr(100000, 150001));
    EXPECT_EQ(middle[http::field::content_range], "bytes 100000-250000/" + size);

    auto tail = get("/large.bin", "bytes=-70000");
    EXPECT_EQ(tail.result_int(), 206);
    EXPECT_EQ(tail.body(), content.substr(content.size() - 70000));

    auto from = get("/large.bin", "bytes=1-");
    EXPECT_EQ(from.body(), content.substr(1));

    auto small = get("/large.bin", "bytes=200000-200009");  // a short range is read whole
    EXPECT_EQ(small.body(), content.substr(200000, 10));

    auto whole = client.request("GET", "/large.bin");
    EXPECT_EQ(whole.result_int(), 200);
    EXPECT_EQ(whole.body(), content);
    EXPECT_EQ(whole[http::field::accept_ranges], "bytes");
}

TEST_F(StaticRanges, IfRangeAppliesTheRangeOnlyToTheSameFile) {
    auto first = client.request("GET", "/digits.txt");
    const std::string etag(first[http::field::etag]);
    const std::string modified(first[http::field::last_modified]);
    ASSERT_FALSE(etag.empty());
    ASSERT_FALSE(modified.empty());

    EXPECT_EQ(get("/digits.txt", "bytes=0-1", {{"If-Range", etag}}).body(), "01");
    EXPECT_EQ(get("/digits.txt", "bytes=0-1", {{"If-Range", modified}}).body(), "01");
    for (const std::string stale :
         {std::string("\"other\""), "W/" + etag, std::string("Thu, 01 Jan 1970 00:00:00 GMT"),
          std::string("garbage"), std::string()}) {
        auto res = get("/digits.txt", "bytes=0-1", {{"If-Range", stale}});
        EXPECT_EQ(res.result_int(), 200) << stale;
        EXPECT_EQ(res.body(), "0123456789") << stale;
    }
    // The file changes: the client's ETag is stale, so it gets the new file whole.
    write_file(root + "/digits.txt", "abcdefghijklmnop");
    auto changed = get("/digits.txt", "bytes=0-1", {{"If-Range", etag}});
    EXPECT_EQ(changed.result_int(), 200);
    EXPECT_EQ(changed.body(), "abcdefghijklmnop");
}

TEST_F(StaticRanges, ConditionalsAndHeadComeFirst) {
    const std::string etag(client.request("GET", "/digits.txt")[http::field::etag]);
    // If-None-Match matches: 304, whatever the range.
    EXPECT_EQ(get("/digits.txt", "bytes=0-1", {{"If-None-Match", etag}}).result_int(), 304);
    EXPECT_EQ(get("/digits.txt", "bytes=50-", {{"If-None-Match", etag}}).result_int(), 304);
    // HEAD ignores Range: the whole file's length, and that ranges are accepted.
    auto head = client.request("HEAD", "/large.bin", {{"Range", "bytes=0-1"}});
    EXPECT_EQ(head.result_int(), 200);
    EXPECT_EQ(head[http::field::content_length], std::to_string(large_content().size()));
    EXPECT_EQ(head[http::field::accept_ranges], "bytes");
    EXPECT_EQ(client.request("GET", "/digits.txt").body(), "0123456789");
}

}  // namespace
}  // namespace siotest
