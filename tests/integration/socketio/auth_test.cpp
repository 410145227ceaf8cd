// The CONNECT handshake: an auth payload accepted, refused by returning false and by throwing
// socketio::ConnectionRefused{message, data}; the handshake the connect handler sees.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Auth : public ::testing::TestWithParam<Mode> {};

TEST_P(Auth, AcceptedWithHandshakeDetails) {
    ScenarioServer server;
    auto result = server.node("auth", "accepted", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto whoami = reported(result, "whoami");
    ASSERT_EQ(whoami.size(), 1u);
    auto record = server.connect_of(whoami[0]["sid"]);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->auth, (json{{"token", "abc"}, {"n", 1}, {"nested", {{"ok", true}}}}));
    const auto& h = record->handshake;
    EXPECT_EQ(h.auth, record->auth);
    EXPECT_EQ(h.query_param("token"), "q-1");
    EXPECT_EQ(h.query_param("other"), "a b&c") << "query values are percent-decoded";
    EXPECT_EQ(h.query_param("EIO"), "4");
    EXPECT_EQ(h.header("x-custom"), "hdr-value");
    EXPECT_EQ(h.header("X-Custom"), "hdr-value") << "header lookup ignores case";
    EXPECT_EQ(h.cookie("flavor"), "mint");
    EXPECT_EQ(h.cookie("other"), "1");
    EXPECT_EQ(h.address, "127.0.0.1");
    EXPECT_FALSE(h.request().secure());
    EXPECT_GT(h.issued, 0);
    EXPECT_NE(h.request().target().find("token=q-1"), std::string::npos) << h.request().target();
}

TEST_P(Auth, RefusedByReturningFalse) {
    ScenarioServer server;
    auto result = server.node("auth", "refused_false", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto refused = server.refused();
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0], (json{{"refuse", "false"}}));
    EXPECT_TRUE(server.connects().empty());
    EXPECT_TRUE(server.io().of("/").sockets().empty()) << "a refused socket is not kept";
    EXPECT_TRUE(server.disconnects().empty()) << "no disconnect handler for a refused socket";
}

TEST_P(Auth, RefusedByThrowingConnectionRefusedWithData) {
    ScenarioServer server;
    auto result = server.node("auth", "refused_throw", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto errors = reported(result, "connect_error");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]["data"], (json{{"code", 4001}, {"hint", "bad token"}}));
    EXPECT_EQ(server.refused().size(), 1u);
    EXPECT_TRUE(server.io().of("/").sockets().empty());
}

INSTANTIATE_TEST_SUITE_P(Modes, Auth,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
