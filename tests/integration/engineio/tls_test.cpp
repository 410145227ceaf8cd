// https + wss with a self-signed certificate made for the test.
#include <gtest/gtest.h>

#include "echo_server.hpp"
#include "support/environment.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_cert.hpp"

namespace enginetest {
namespace {

class Tls : public ::testing::Test {
  protected:
    siotest::TempDir dir;
    siotest::TlsFiles files = siotest::make_self_signed_certificate(dir.path());
    EchoServer server{{.tls = engineio::TlsOptions{.certificate_chain_file = files.certificate_file,
                                                   .private_key_file = files.private_key_file}}};
    // The scripts trust the certificate through NODE_EXTRA_CA_CERTS (no verification is off).
    siotest::ProcessResult run(const std::string& scenario) {
        return server.run_script("tls", scenario, {},
                                 {{"NODE_EXTRA_CA_CERTS", files.certificate_file}});
    }
};

TEST_F(Tls, PollingOverHttps) {
    auto result = run("polling");
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    EXPECT_TRUE(server.record(sids[0]).request.secure());
    EXPECT_EQ(server.wait_for_messages(sids[0], 1), std::vector{text("over-tls")});
}

TEST_F(Tls, WebSocketOverWss) {
    auto result = run("websocket");
    ASSERT_TRUE(result.ok()) << result.describe();
    auto sids = reported_sids(result);
    ASSERT_EQ(sids.size(), 1u);
    EXPECT_TRUE(server.record(sids[0]).request.secure());
}

TEST_F(Tls, OfficialClientUpgradesOverTls) {
    auto result = run("client");
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_F(Tls, PlainHttpIsNotServed) {
    // The TLS port must not answer a plain-text handshake with an Engine.IO session.
    auto plain = siotest::run_node_script(
        "engineio/handshake.mjs",
        {"http://127.0.0.1:" + std::to_string(server.port()) + "/engine.io/", "polling"}, 10s);
    EXPECT_FALSE(plain.ok()) << plain.describe();
    EXPECT_TRUE(server.connected().empty());
}

}  // namespace
}  // namespace enginetest
