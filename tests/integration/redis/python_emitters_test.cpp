// python's emitters reach the socket.io-client clients of our server through Redis with the
// arguments a python server would give its own clients: Debian's python3-socketio
// RedisManager(write_only=True) (pickles: a tuple is several arguments, a list one) and
// Flask-SocketIO's SocketIO(message_queue=…) (its channel is "flask-socketio").

#include "cluster_server_fixture.hpp"

namespace redistest {
namespace {

class PythonEmitters : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        if (siotest::node_executable().empty()) GTEST_SKIP() << "node is not installed";
        redis_.start();
    }
    siotest::ProcessResult python(const std::string& script) {
        return siotest::run_process(
            {.argv = {siotest::python_executable(), "-c", script, redis_.url()}}, 30s);
    }
    siotest::RedisServerProcess redis_;
};

TEST_F(PythonEmitters, RedisManagerArgumentsArriveAsPythonDeliversThem) {
    if (!python("import socketio, redis").ok()) GTEST_SKIP() << "python3-socketio missing";
    ClusterServer server(redis_.url());
    Listener client(server.url(), "/", {"r1"}, 6);
    ASSERT_FALSE(client.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "socketio", 1));
    auto result = python(R"(
import sys, socketio
m = socketio.RedisManager(sys.argv[1], write_only=True)
m.emit('tuple', (1, 'two', {'k': [None]}), room='r1')  # several arguments
m.emit('list', [1, 'two'], room='r1')                  # one argument, a list
m.emit('one-tuple', ('only',))                         # one argument
m.emit('empty-tuple', ())                              # none
m.emit('none', None)                                   # none
m.emit('bytes', {'blob': b'\x00\x01'})
)");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string failure;
    EXPECT_EQ(
        client.events(&failure),
        (std::vector<json>{json::array({"tuple", 1, "two", {{"k", {nullptr}}}}),
                           json::array({"list", {1, "two"}}), json::array({"one-tuple", "only"}),
                           json::array({"empty-tuple"}), json::array({"none"}),
                           json::array({"bytes", {{"blob", {{"binary", {0, 1}}}}}})}))
        << failure;
}

TEST_F(PythonEmitters, FlaskSocketioMessageQueueReachesOurClients) {
    if (!python("import flask_socketio, redis").ok())
        GTEST_SKIP() << "python3-flask-socketio missing";
    ClusterServer server(redis_.url(), {.channel = "flask-socketio"});
    Listener chat(server.url(), "/chat", {"r1"}, 2);
    Listener root(server.url(), "/", {}, 1);
    ASSERT_FALSE(chat.ready().empty());
    ASSERT_FALSE(root.ready().empty());
    ASSERT_TRUE(wait_for_subscribers(redis_.url(), "flask-socketio", 1));
    auto result = python(R"(
import sys
from flask_socketio import SocketIO
socketio = SocketIO(message_queue=sys.argv[1])  # write-only: no app
socketio.emit('status', {'text': 'done', 'n': 3}, to='r1', namespace='/chat')
socketio.emit('pair', (1, 2), namespace='/chat')
socketio.emit('hello', 'everyone')
)");
    ASSERT_TRUE(result.ok()) << result.describe();
    std::string failure;
    EXPECT_EQ(chat.events(&failure),
              (std::vector<json>{json::array({"status", {{"text", "done"}, {"n", 3}}}),
                                 json::array({"pair", 1, 2})}))
        << failure;
    EXPECT_EQ(root.events(&failure), (std::vector<json>{json::array({"hello", "everyone"})}))
        << failure;
}

}  // namespace
}  // namespace redistest
