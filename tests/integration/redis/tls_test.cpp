// rediss://: TLS to redis-server's --tls-port with a self-signed certificate; the certificate is
// checked (CA and name) unless tls_verify is off.

#include "driver_fixture.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

class Tls : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        redis_.start();
    }
    void expect_round_trip(socketio::RedisOptions options) {
        Recorder seen;
        auto driver = socketio::make_redis_driver(io_.executor(), options);
        driver->subscribe({"tls"});
        driver->start(seen.on_message(), seen.on_state());
        ASSERT_TRUE(seen.wait_for_state(DriverState::connected)) << options.url;
        driver->publish("tls", "over TLS");
        ASSERT_TRUE(seen.wait_for_messages(1));
        EXPECT_EQ(seen.messages().front(), (Message{"tls", "over TLS"}));
    }
    std::string url(const std::string& host) {
        return "rediss://" + host + ":" + std::to_string(redis_.port());
    }

    siotest::RedisServerProcess redis_{{.tls = true}};
    IoThread io_;
};

TEST_F(Tls, VerifiedAgainstTheCaByAddressAndByName) {
    expect_round_trip(
        {.url = url("127.0.0.1"), .tls_ca_file = redis_.tls_files().certificate_file});
    expect_round_trip(
        {.url = url("localhost"), .tls_ca_file = redis_.tls_files().certificate_file});
}

TEST_F(Tls, VerificationOffAcceptsAnyCertificate) {
    expect_round_trip({.url = url("127.0.0.1"), .tls_verify = false});
}

TEST_F(Tls, UntrustedCertificateNeverConnects) {
    LogCapture log;
    Recorder seen;
    // The system's CAs do not include the test's self-signed certificate.
    auto driver = socketio::make_redis_driver(io_.executor(), {.url = url("127.0.0.1")});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    const auto states = seen.states();
    EXPECT_EQ(std::count(states.begin(), states.end(), DriverState::connected), 0);
    EXPECT_NE(log.text().find("certificate verify failed"), std::string::npos) << log.text();
}

TEST_F(Tls, PlainRedisToATlsPortNeverConnects) {
    Recorder seen;
    auto driver = socketio::make_redis_driver(
        io_.executor(), {.url = "redis://127.0.0.1:" + std::to_string(redis_.port()),
                         .connect_timeout = std::chrono::milliseconds(500)});
    driver->subscribe({"tls"});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::disconnected));
    const auto states = seen.states();
    EXPECT_EQ(std::count(states.begin(), states.end(), DriverState::connected), 0);
}

}  // namespace
}  // namespace redistest
