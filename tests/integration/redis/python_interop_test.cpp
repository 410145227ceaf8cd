// Interop with Debian's python3-redis and python3-socketio: what Python publishes reaches our
// driver, what our driver publishes reaches Python — including a real RedisManager message,
// read with the pickle reader.

#include "driver_fixture.hpp"
#include "socketio/adapters/pickle.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"

namespace redistest {
namespace {

using socketio::DriverState;

class PythonInterop : public ::testing::Test {
  protected:
    void SetUp() override {
        SIO_REQUIRE_REDIS();
        const auto probe = siotest::run_process(
            {.argv = {siotest::python_executable(), "-c", "import redis, socketio"}}, 20s);
        if (!probe.ok()) GTEST_SKIP() << "python3-redis / python3-socketio missing: " << probe.err;
        redis_.start();
    }
    siotest::RedisServerProcess redis_;
    IoThread io_;
};

TEST_F(PythonInterop, PythonSubscriberReceivesOurMessages) {
    const std::string script = R"(
import sys, redis
r = redis.Redis.from_url(sys.argv[1])
p = r.pubsub()
p.subscribe('from-cpp')
while True:
    m = p.get_message(timeout=10)
    if m is None:
        sys.exit('timed out')
    if m['type'] == 'subscribe':
        print('subscribed', flush=True)
    elif m['type'] == 'message':
        print('got', m['channel'].decode(), m['data'].hex(), flush=True)
        break
)";
    siotest::Process python({.argv = {siotest::python_executable(), "-c", script, redis_.url()}});
    ASSERT_TRUE(python.wait_for_line("subscribed", 20s)) << python.err();

    Recorder states;
    auto driver = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    driver->start({}, states.on_state());
    ASSERT_TRUE(states.wait_for_state(DriverState::connected));
    driver->publish("from-cpp", std::string("bin\0\xff", 5));
    const auto result = python.wait(20s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_NE(result.out.find("got from-cpp 62696e00ff"), std::string::npos) << result.out;
}

TEST_F(PythonInterop, RedisManagerMessageReachesUsAndDecodes) {
    Recorder seen;
    auto driver = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    driver->subscribe({"socketio"});  // RedisManager's default channel
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));

    const std::string script = R"(
import sys, socketio
manager = socketio.RedisManager(sys.argv[1], write_only=True)
manager.emit('greeting', {'text': 'hé', 'n': 3, 'blob': b'\x00\x01', 'list': [1.5, None, True]},
             namespace='/chat', room='room1', skip_sid='abc')
print('emitted', flush=True)
)";
    const auto result = siotest::run_process(
        {.argv = {siotest::python_executable(), "-c", script, redis_.url()}}, 30s);
    ASSERT_TRUE(result.ok()) << result.describe();
    ASSERT_TRUE(seen.wait_for_messages(1));
    const auto message = seen.messages().front();
    EXPECT_EQ(message.channel, "socketio");

    std::string error;
    const auto decoded = socketio::adapters::decode_pickle(message.payload, error);
    ASSERT_TRUE(decoded) << error;
    EXPECT_EQ(decoded->at("method"), "emit");
    EXPECT_EQ(decoded->at("event"), "greeting");
    EXPECT_EQ(decoded->at("namespace"), "/chat");
    EXPECT_EQ(decoded->at("room"), "room1");
    EXPECT_EQ(decoded->at("skip_sid"), "abc");
    EXPECT_TRUE(decoded->at("callback").is_null());
    EXPECT_TRUE(decoded->at("host_id").is_string());
    socketio::json expected_data = {{"text", "hé"},
                                    {"n", 3},
                                    {"blob", socketio::json::binary({0, 1})},
                                    {"list", {1.5, nullptr, true}}};
    // python-socketio 5.7 sends the data as a tuple of arguments when given a tuple, else as is.
    const auto& data = decoded->at("data");
    EXPECT_EQ(data, expected_data)
        << data.dump(-1, ' ', false, socketio::json::error_handler_t::replace);
}

TEST_F(PythonInterop, PythonPublisherReachesOurPatternSubscription) {
    Recorder seen;
    auto driver = socketio::make_redis_driver(io_.executor(), {.url = redis_.url()});
    driver->psubscribe({"py.*"});
    driver->start(seen.on_message(), seen.on_state());
    ASSERT_TRUE(seen.wait_for_state(DriverState::connected));
    const auto result = siotest::run_process(
        {.argv = {siotest::python_executable(), "-c",
                  "import sys, redis; r = redis.Redis.from_url(sys.argv[1]); "
                  "print(r.publish('py.one', b'\\x00one')); print(r.publish('other', b'x'))",
                  redis_.url()}},
        30s);
    ASSERT_TRUE(result.ok()) << result.describe();
    EXPECT_EQ(result.out, "1\n0\n");  // Redis counted our pattern subscription as the receiver
    ASSERT_TRUE(seen.wait_for_messages(1));
    EXPECT_EQ(seen.messages(), (std::vector<Message>{{"py.one", std::string("\0one", 4)}}));
}

}  // namespace
}  // namespace redistest
