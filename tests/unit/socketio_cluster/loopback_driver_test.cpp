// The loopback broker keeps the Driver contract: delivery on the driver's executor to connected
// subscribers (patterns too), the publisher included; a bounded queue while not connected, in
// order once back; state changes reported; nothing delivered after close().

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

struct Loopback : ::testing::Test {
    boost::asio::io_context loop;
    std::shared_ptr<socketio::LoopbackBroker> broker = socketio::LoopbackBroker::create();
    void poll() {
        loop.poll();
        loop.restart();
    }
};

TEST_F(Loopback, DeliversToSubscribersAndPatterns) {
    auto a = broker->make_driver(loop.get_executor());
    auto b = broker->make_driver(loop.get_executor());
    std::vector<std::string> got_a, got_b;
    a->subscribe({"ch"});
    b->psubscribe({"socket.io#/*"});
    a->start([&](std::string_view c, std::string_view p) {
        got_a.push_back(std::string(c) + "=" + std::string(p));
    });
    b->start([&](std::string_view c, std::string_view p) {
        got_b.push_back(std::string(c) + "=" + std::string(p));
    });
    a->publish("ch", "1");
    a->publish("socket.io#/#", "2");
    a->publish("other", "3");
    EXPECT_TRUE(got_a.empty()) << "delivered on the executor, not inline";
    poll();
    EXPECT_EQ(got_a, std::vector<std::string>{"ch=1"});
    EXPECT_EQ(got_b, std::vector<std::string>{"socket.io#/#=2"});
    EXPECT_EQ(broker->published(), 3u);
    std::optional<std::optional<std::size_t>> count;
    b->count_subscribers("ch", [&](std::optional<std::size_t> n) { count = n; });
    poll();
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, std::optional<std::size_t>(1));
}

TEST_F(Loopback, OutageQueuesBoundedReportsStatesAndRestoresInOrder) {
    auto a = broker->make_driver(loop.get_executor(), {.max_queued = 2});
    auto b = broker->make_driver(loop.get_executor());
    std::vector<std::string> got;
    std::vector<socketio::DriverState> states;
    b->subscribe({"ch"});
    a->subscribe({"ch"});
    b->start([&](std::string_view, std::string_view p) { got.emplace_back(p); });
    a->start([&](std::string_view, std::string_view p) { got.push_back("a:" + std::string(p)); },
             [&](socketio::DriverState s) { states.push_back(s); });
    poll();
    a->simulate_outage();
    EXPECT_EQ(a->state(), socketio::DriverState::disconnected);
    a->publish("ch", "1");
    a->publish("ch", "2");
    a->publish("ch", "3");  // over the bound
    b->publish("ch", "missed-by-a");
    poll();
    EXPECT_EQ(got, std::vector<std::string>{"missed-by-a"});
    a->restore();
    poll();
    EXPECT_EQ(got, (std::vector<std::string>{"missed-by-a", "a:1", "1", "a:2", "2"}));
    EXPECT_EQ(a->stats().dropped, 1u);
    EXPECT_EQ(a->stats().published, 2u);
    EXPECT_EQ(a->stats().reconnects, 1u);
    EXPECT_EQ(states, (std::vector<socketio::DriverState>{socketio::DriverState::connected,
                                                          socketio::DriverState::disconnected,
                                                          socketio::DriverState::connected}));
}

TEST_F(Loopback, NothingIsDeliveredAfterClose) {
    auto a = broker->make_driver(loop.get_executor());
    int got = 0;
    a->subscribe({"ch"});
    a->start([&](std::string_view, std::string_view) { ++got; });
    a->publish("ch", "x");  // queued on the executor
    a->close();
    poll();
    EXPECT_EQ(got, 0);
    EXPECT_EQ(a->state(), socketio::DriverState::closed);
    a->publish("ch", "y");  // ignored
    poll();
    EXPECT_EQ(got, 0);
}

}  // namespace
}  // namespace sio_test
