// Acks both ways: the client's emit_with_ack gets the handler's return value; the server's
// emit_with_ack is answered by a handler registered with on().

#include <gtest/gtest.h>

#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

using socketio::json;
using socketio::testing::TestClient;
using namespace std::chrono_literals;

TEST(Acks, ClientAckIsTheHandlersReturnValue) {
    socketio::Server io;
    io.on("sum", [](socketio::Socket&, int a, int b) { return socketio::Ack{a + b, "ok"}; });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto ack = client.emit_with_ack("sum", 20, 22);
    ASSERT_FALSE(ack.ec) << ack.ec.message();
    EXPECT_EQ(ack.args, json::array({42, "ok"}));
}

TEST(Acks, ResponderAnsweringLaterOnTheLoopIsWaitedFor) {
    socketio::Server io;
    io.on("later", [](socketio::Socket& s, socketio::Responder respond) {
        boost::asio::post(s.executor(), [respond] { respond("done"); });
    });
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto ack = client.emit_with_ack("later");
    ASSERT_FALSE(ack.ec);
    EXPECT_EQ(ack.args, json::array({"done"}));
}

TEST(Acks, NoAckIsAnErrorOnceTheServerIsIdle) {
    socketio::Server io;
    io.on("ignore", [](socketio::Socket&, socketio::Responder) {});  // never responds
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto ack = client.emit_with_ack("ignore");
    EXPECT_EQ(ack.ec, socketio::testing::error::no_response);
    EXPECT_TRUE(ack.args.empty());
}

TEST(Acks, ServerAckIsAnsweredByTheClientHandler) {
    socketio::Server io;
    json answer;
    std::error_code answer_ec = socketio::error::ack_timeout;
    io.on("ask", [&](socketio::Socket& s, const std::string& question) {
        s.emit_with_ack("question", question, [&](std::error_code ec, json args) {
            answer_ec = ec;
            answer = args;
        });
    });
    TestClient client{io};
    json asked;
    client.on("question", [&](const json& args) {
        asked = args;
        return socketio::Ack{"forty-two", 42};
    });
    ASSERT_TRUE(client.connect());
    client.emit("ask", "meaning?");
    EXPECT_EQ(asked, json::array({"meaning?"}));
    EXPECT_FALSE(answer_ec);
    EXPECT_EQ(answer, json::array({"forty-two", 42}));
    // The event was received as well.
    auto received = client.get_received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].name, "question");
}

TEST(Acks, ServerAckWithoutClientHandlerTimesOut) {
    socketio::Server io;
    std::optional<std::error_code> result;
    TestClient client{io};
    ASSERT_TRUE(client.connect());
    auto socket = io.socket(client.sid());
    ASSERT_TRUE(socket);
    socket->timeout(20ms).emit_with_ack("unanswered",
                                        [&](std::error_code ec, json) { result = ec; });
    client.run_until_idle();
    EXPECT_FALSE(result);  // still waiting: the timer has not fired
    // The timeout fires on the loop; wait_for keeps the loops running meanwhile.
    EXPECT_FALSE(client.wait_for("never", 200ms));
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, socketio::error::ack_timeout);
}
