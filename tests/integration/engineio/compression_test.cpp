// HTTP compression of polling responses (gzip / deflate per Accept-Encoding, above the threshold).
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Compression, NegotiatedAboveThresholdOnly) {
    EchoServer server;  // http.compression on, threshold 1024 by default
    auto result = server.run_script("compression", "negotiate");
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Compression, OffWhenDisabled) {
    EchoServer server({.http = {.compression = false}});
    auto result = server.run_script("compression", "disabled");
    ASSERT_TRUE(result.ok()) << result.describe();
}

}  // namespace
}  // namespace enginetest
