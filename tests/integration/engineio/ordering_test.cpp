// Requests of one session that arrive on different connections, accepted by different event loops,
// take effect in arrival order (SessionCore's fences); and the session and connection bounds.
#include <gtest/gtest.h>

#include "echo_server.hpp"

namespace enginetest {
namespace {

TEST(Ordering, CloseBySecondConnectionAnswersTheEarlierLongPollWithNoop) {
    // More loops than cores: the two connections of each try land on different loops.
    EchoServer server({.threads = 3});
    auto result = server.run_script("ordering", "close_race", {"tries=200"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Ordering, GetAfterTheUpgradeIsRefusedEvenFromAnotherLoop) {
    EchoServer server({.threads = 3});
    auto result = server.run_script("ordering", "upgrade_race", {"tries=100"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Bounds, HandshakesOverMaxSessionsGet503AndAClosedSessionFreesItsPlace) {
    EchoServer server({.limits = {.max_sessions = 5}});
    auto result = server.run_script("ordering", "max_sessions", {"limit=5"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST(Bounds, ConnectionsOverMaxConnectionsGet503) {
    EchoServer server({.limits = {.max_connections = 4}});
    auto result = server.run_script("ordering", "max_connections", {"limit=4"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

}  // namespace
}  // namespace enginetest
