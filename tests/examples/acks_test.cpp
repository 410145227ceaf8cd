// examples/acks: acks from the server's handlers, and the server's question answered by the client.

#include <gtest/gtest.h>

#include "acks.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;

TEST(AcksExample, SumIsAcked) {
    socketio::Server io;
    install_acks(io);
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto ack = client.emit_with_ack("sum", 2, 3.5);
    ASSERT_FALSE(ack.ec);
    EXPECT_EQ(ack.args, json::array({5.5}));
}

TEST(AcksExample, TheServersQuestionIsAnsweredByTheClient) {
    socketio::Server io;
    install_acks(io);
    TestClient client{io};
    client.on("question", [](const json& args) {
        return socketio::Ack{"you asked: " + args.at(0).get<std::string>()};
    });
    ASSERT_TRUE(client.connect());
    EXPECT_EQ(client.emit_with_ack("ask", "why?").args, json::array({"asked"}));
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0].name, "question");
    EXPECT_EQ(received[1].name, "answer");
    EXPECT_EQ(received[1].args, json::array({{{"answer", json::array({"you asked: why?"})}}}));
}
