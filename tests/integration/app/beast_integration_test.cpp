// examples/beast_integration: an application's own Beast server answers /hello and hands
// /socket.io/ to socketio::Server::handle; the official client connects with polling, upgrades
// to WebSocket and gets its acks on both sides of the upgrade.
#include <gtest/gtest.h>

#include "app_fixture.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"

namespace siotest {
namespace {

#ifdef SIO_BEAST_INTEGRATION
TEST(BeastIntegration, OfficialClientPollsAndUpgradesThroughHandle) {
    Process example({.argv = {SIO_BEAST_INTEGRATION, "0"}});
    const auto line = example.wait_for_line("listening on port", std::chrono::seconds(10));
    ASSERT_TRUE(line.has_value()) << example.err();
    const auto port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(' ') + 1)));

    // Our own server's route, and a request handed over, on connections of their own.
    EXPECT_EQ(http_get(port, "/hello").body(), "Hello from Beast");
    auto open = http_get(port, "/socket.io/?EIO=4&transport=polling");
    EXPECT_EQ(open.result_int(), 200);
    EXPECT_EQ(open.body().front(), '0');

    auto result =
        run_node_script("app/beast-integration.mjs", {"http://127.0.0.1:" + std::to_string(port)});
    EXPECT_TRUE(result.ok()) << result.describe();
    EXPECT_NE(result.out.find(R"("transport":"websocket")"), std::string::npos) << result.out;
}
#endif

}  // namespace
}  // namespace siotest
