#include <gtest/gtest.h>
#include <zlib.h>

#include "engineio/internal.hpp"

using namespace engineio;
using namespace engineio::detail;

namespace {

StringRequest request_with(std::string host, std::string origin) {
    StringRequest req{http::verb::get, "/engine.io/?EIO=4&transport=polling", 11};
    req.set(http::field::host, host);
    if (!origin.empty()) req.set(http::field::origin, origin);
    return req;
}

std::string header(const std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (key == name) return value;
    }
    return "<none>";
}

std::string inflate_all(std::string_view data) {
    z_stream zs{};
    EXPECT_EQ(inflateInit2(&zs, 15 + 32), Z_OK);  // auto-detect gzip / zlib
    std::string out(1 << 16, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

}  // namespace

TEST(Query, PercentAndPlusDecodedInOrder) {
    const auto q = parse_query("EIO=4&transport=polling&name=a%20b+c&empty=&flag&%zz=1");
    ASSERT_EQ(q.size(), 6u);
    EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"EIO", "4"}));
    EXPECT_EQ(q[2].second, "a b c");
    EXPECT_EQ(q[3].second, "");
    EXPECT_EQ(q[4].first, "flag");
    EXPECT_EQ(q[5].first, "%zz");  // an invalid escape stays as it is
}

TEST(Cors, SameOriginByDefault) {
    ServerOptions options;
    EXPECT_TRUE(check_cors(options, request_with("127.0.0.1:3000", ""), false).allowed);
    EXPECT_TRUE(check_cors(options, request_with("127.0.0.1:3000", "http://127.0.0.1:3000"), false)
                    .allowed);
    EXPECT_TRUE(
        check_cors(options, request_with("example.com", "http://example.com:80"), false).allowed);
    EXPECT_TRUE(
        check_cors(options, request_with("example.com:443", "https://example.com"), true).allowed);
    // scheme-aware: an http page is not the same origin as an https server
    EXPECT_FALSE(
        check_cors(options, request_with("example.com", "http://example.com"), true).allowed);
    EXPECT_FALSE(
        check_cors(options, request_with("127.0.0.1:3000", "http://evil.com"), false).allowed);
    EXPECT_FALSE(check_cors(options, request_with("127.0.0.1:3000", "http://127.0.0.1:3001"), false)
                     .allowed);
}

TEST(Cors, ExplicitListAndWildcard) {
    ServerOptions list{.cors = {.allowed_origins = {"https://a.example"}}};
    auto ok = check_cors(list, request_with("x", "https://a.example"), false);
    EXPECT_TRUE(ok.allowed);
    EXPECT_EQ(header(ok.headers, "Access-Control-Allow-Origin"), "https://a.example");
    EXPECT_EQ(header(ok.headers, "Access-Control-Allow-Credentials"), "true");
    EXPECT_FALSE(check_cors(list, request_with("x", "https://b.example"), false).allowed);

    ServerOptions any{.cors = {.allowed_origins = {"*"}}};
    auto echoed = check_cors(any, request_with("x", "https://c.example"), false);
    EXPECT_EQ(header(echoed.headers, "Access-Control-Allow-Origin"), "https://c.example");
    ServerOptions any_plain{.cors = {.allowed_origins = {"*"}, .credentials = false}};
    auto star = check_cors(any_plain, request_with("x", "https://c.example"), false);
    EXPECT_EQ(header(star.headers, "Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(header(star.headers, "Access-Control-Allow-Credentials"), "<none>");
}

TEST(ErrorResponse, MapsEveryCodeToStatusAndJson) {
    ResponseContext ctx;
    ctx.cors_headers = {{"Access-Control-Allow-Origin", "https://a.example"}};
    const std::pair<error, std::string> cases[] = {
        {error::transport_unknown, R"({"code":0,"message":"Transport unknown"})"},
        {error::unknown_sid, R"({"code":1,"message":"Session ID unknown"})"},
        {error::bad_handshake_method, R"({"code":2,"message":"Bad handshake method"})"},
        {error::bad_request, R"({"code":3,"message":"Bad request"})"},
        {error::forbidden, R"({"code":4,"message":"Forbidden"})"},
        {error::unsupported_protocol_version,
         R"({"code":5,"message":"Unsupported protocol version"})"},
        {error::invalid_packet, R"({"code":3,"message":"Bad request"})"},
    };
    for (const auto& [code, body] : cases) {
        const auto res = make_error_response(ctx, code);
        EXPECT_EQ(res.result(),
                  code == error::forbidden ? http::status::forbidden : http::status::bad_request);
        EXPECT_EQ(res.body(), body);
        EXPECT_EQ(res[http::field::content_type], "application/json");
        EXPECT_EQ(res["Access-Control-Allow-Origin"], "https://a.example");
    }
    const auto too_large = make_error_response(ctx, error::payload_too_large);
    EXPECT_EQ(too_large.result(), http::status::payload_too_large);
    EXPECT_FALSE(too_large.keep_alive());
    const auto full = make_error_response(ctx, error::too_many_sessions);
    EXPECT_EQ(full.result(), http::status::service_unavailable);
    EXPECT_EQ(full.body(), R"({"code":4,"message":"Too many sessions"})");
}

TEST(ErrorCode, EveryEngineErrorReadsAsAFailure) {
    // An error_code is true when its value is not 0: an enum value of 0 would read as success.
    for (const error e :
         {error::transport_unknown, error::unknown_sid, error::bad_handshake_method,
          error::bad_request, error::forbidden, error::unsupported_protocol_version,
          error::invalid_packet, error::payload_too_large, error::too_many_sessions}) {
        const std::error_code ec = e;
        EXPECT_TRUE(ec) << ec.message();
        EXPECT_EQ(ec.category().name(), std::string("engineio"));
    }
    EXPECT_EQ(wire_code(error::transport_unknown), 0);
    EXPECT_EQ(wire_code(error::unsupported_protocol_version), 5);
}

TEST(Cookie, AttributesFollowOptions) {
    EXPECT_EQ(make_cookie(CookieOptions{}, "abc"), "io=abc; Path=/; HttpOnly; SameSite=Lax");
    EXPECT_EQ(make_cookie(
                  CookieOptions{.name = "sticky", .path = "", .http_only = false, .same_site = ""},
                  "abc"),
              "sticky=abc");
}

TEST(Compression, OnlyAboveThresholdAndWhenAccepted) {
    ResponseContext ctx;
    ctx.compress = true;
    ctx.compression_threshold = 100;
    ctx.accepts_gzip = true;
    const std::string big(5000, 'x');
    auto res = make_response(ctx, http::status::ok, "text/plain", big, true);
    EXPECT_EQ(res[http::field::content_encoding], "gzip");
    EXPECT_LT(res.body().size(), big.size());
    EXPECT_EQ(inflate_all(res.body()), big);

    ctx.accepts_gzip = false;
    ctx.accepts_deflate = true;
    res = make_response(ctx, http::status::ok, "text/plain", big, true);
    EXPECT_EQ(res[http::field::content_encoding], "deflate");
    EXPECT_EQ(inflate_all(res.body()), big);

    res = make_response(ctx, http::status::ok, "text/plain", std::string(99, 'x'), true);
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
    ctx.compress = false;
    res = make_response(ctx, http::status::ok, "text/plain", big, true);
    EXPECT_EQ(res.count(http::field::content_encoding), 0u);
}
