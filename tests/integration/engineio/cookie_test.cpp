// The `io` cookie on the handshake response: absent by default, with its attributes when on.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Cookie, AbsentByDefault) {
    EchoServer server;
    auto result = server.run_script("cookie", "absent");
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Cookie, DefaultCookieOptions) {
    EchoServer server({.http = {.cookie = engineio::CookieOptions{}}});
    auto result = server.run_script("cookie", "present", {"name=io", "path=/"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Cookie, CustomNameAndPath) {
    EchoServer server(
        {.http = {.cookie = engineio::CookieOptions{.name = "sticky", .path = "/engine.io"}}});
    auto result = server.run_script("cookie", "present", {"name=sticky", "path=/engine.io"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

}  // namespace
}  // namespace enginetest
