// Acknowledgements both ways: handler return values as acks (none, one, tuple, several, binary);
// the server's emit_with_ack reaching the client's callback and coming back; the ack timeout
// when the client never acks; co_await emit_with_ack from a coroutine handler.
#include <gtest/gtest.h>

#include "scenario_app.hpp"

namespace siotest {
namespace {

class Acks : public ::testing::TestWithParam<Mode> {};

std::vector<EventRecord> ask_results(const ScenarioServer& server) {
    std::vector<EventRecord> out;
    for (auto& e : server.events()) {
        if (e.event == "ask-result") out.push_back(e);
    }
    return out;
}

TEST_P(Acks, HandlerReturnValuesAckTheClient) {
    ScenarioServer server;
    auto result = server.node("acks", "client_acks", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Acks, ServerEmitWithAckGetsTheClientsArguments) {
    ScenarioServer server;
    auto result = server.node("acks", "server_acks", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto results = ask_results(server);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].args[0], 0) << "no error";
    const json& args = results[0].args[1];
    ASSERT_EQ(args.size(), 3u) << args.dump();
    EXPECT_EQ(args[0], "got");
    EXPECT_EQ(args[1], (json{{"n", 1}}));
    ASSERT_TRUE(args[2].is_binary());
    EXPECT_EQ(bytes_of(args[2]), (std::vector<std::uint8_t>{9}));
}

TEST_P(Acks, TimeoutWhenTheClientNeverAcks) {
    ScenarioServer server;
    auto result = server.node("acks", "server_ack_timeout", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
    auto results = ask_results(server);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].args[0], static_cast<int>(socketio::error::ack_timeout));
}

TEST_P(Acks, CoroutineHandlerAwaitsTheClientsAck) {
    ScenarioServer server;
    auto result = server.node("acks", "coroutine_ack", GetParam(), {"textOnly=1"});
    ASSERT_TRUE(result.ok()) << result.describe();
}

TEST_P(Acks, CoroutineHandlerAwaitsTheClientsBinaryAck) {
    ScenarioServer server;
    auto result = server.node("acks", "coroutine_ack", GetParam());
    ASSERT_TRUE(result.ok()) << result.describe();
}

INSTANTIATE_TEST_SUITE_P(Modes, Acks,
                         ::testing::Values(Mode::polling, Mode::websocket, Mode::upgrade),
                         [](const auto& info) { return to_string(info.param); });

}  // namespace
}  // namespace siotest
