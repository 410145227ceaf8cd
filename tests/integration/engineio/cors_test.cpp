// CORS: same-origin by default, an explicit list, "*", the credentials header, preflight, and the
// CORS headers on error responses.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

const std::string kGood = "https://good.example";

TEST(Cors, SameOriginByDefault) {
    EchoServer server;
    auto result = server.run_script("cors", "same_origin");
    ASSERT_TRUE(result.ok()) << result.describe();
    // The same-origin and the Origin-less handshakes connected; the foreign one never did.
    EXPECT_EQ(server.connected().size(), 2u);
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    EXPECT_TRUE(server.record(sids[0]).messages.empty())
        << "a POST from a foreign origin must not deliver its message";
}

TEST(Cors, ExplicitList) {
    EchoServer server({.cors = {.allowed_origins = {kGood}}});
    auto result = server.run_script("cors", "allow_list", {"allowed=" + kGood});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.connected(), reported_sids(result));
}

TEST(Cors, AnyOrigin) {
    EchoServer server({.cors = {.allowed_origins = {"*"}}});
    auto result = server.run_script("cors", "any");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.connected().size(), 3u);
}

TEST(Cors, CredentialsHeaderWhenEnabled) {
    EchoServer server({.cors = {.allowed_origins = {kGood}, .credentials = true}});
    auto result = server.run_script("cors", "credentials", {"credentials=1", "allowed=" + kGood});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Cors, NoCredentialsHeaderWhenDisabled) {
    EchoServer server({.cors = {.allowed_origins = {kGood}, .credentials = false}});
    auto result = server.run_script("cors", "credentials", {"credentials=0", "allowed=" + kGood});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Cors, Preflight) {
    EchoServer server({.cors = {.allowed_origins = {kGood}}});
    auto result = server.run_script("cors", "preflight", {"allowed=" + kGood});
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_TRUE(server.connected().empty()) << "a preflight opens no session";
}

TEST(Cors, HeadersOnErrorResponses) {
    EchoServer server({.cors = {.allowed_origins = {kGood}}});
    auto result = server.run_script("cors", "error_headers", {"allowed=" + kGood});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Cors, AllowedHostsRefuseForeignHostsWhateverTheirOrigin) {
    EchoServer server({.cors = {.allowed_hosts = {"good.example", ".corp.example"}}});
    auto result = server.run_script("cors", "allowed_hosts");
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(server.connected().size(), 4u) << "only the four allowed hosts opened sessions";
}

}  // namespace
}  // namespace enginetest
