// server_side_emit: events between servers, with acks from each other server.

#include "cluster_harness.hpp"

namespace sio_test {
namespace {

TEST(ClusterServerSideEmit, ReachesEveryOtherServerButNotItself) {
    ClusterHarness cluster;
    auto& a = cluster.add();
    auto& b = cluster.add();
    auto& c = cluster.add();
    std::vector<std::string> heard;
    for (auto* node : {&a, &b, &c}) {
        node->io().on_server_side("sync", [&heard, node, &a, &b](const json& args) {
            heard.push_back((node == &a ? "a:" : node == &b ? "b:" : "c:") + args.dump());
            return json();
        });
    }
    a.io().server_side_emit("sync", 1, "two");
    cluster.poll();
    std::sort(heard.begin(), heard.end());
    EXPECT_EQ(heard, (std::vector<std::string>{"b:[1,\"two\"]", "c:[1,\"two\"]"}));
}

TEST(ClusterServerSideEmit, AcksFromEveryOtherServer) {
    ClusterHarness cluster;
    auto& a = cluster.add();
    auto& b = cluster.add();
    auto& c = cluster.add();
    b.io().on_server_side("count", [](const json&) { return json(2); });
    c.io().on_server_side("count", [](const json& args) { return json::array({args[0], 3}); });
    std::optional<std::pair<std::error_code, std::vector<json>>> result;
    a.io().of("/").server_side_emit_with_ack("count", "q",
                                             [&](std::error_code ec, std::vector<json> answers) {
                                                 result.emplace(ec, std::move(answers));
                                             });
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_FALSE(result->first);
    std::sort(result->second.begin(), result->second.end());
    EXPECT_EQ(result->second, (std::vector<json>{json::array({2}), json::array({"q", 3})}));
}

TEST(ClusterServerSideEmit, AServerWithoutAHandlerLetsTheAckTimeOut) {
    ClusterHarness cluster;
    auto& a = cluster.add({.request_timeout = 200ms});
    auto& b = cluster.add();
    cluster.add();  // no handler: does not answer (as Node)
    b.io().on_server_side("count", [](const json&) { return json(1); });
    std::optional<std::pair<std::error_code, std::vector<json>>> result;
    a.io().of("/").server_side_emit_with_ack("count",
                                             [&](std::error_code ec, std::vector<json> answers) {
                                                 result.emplace(ec, std::move(answers));
                                             });
    ASSERT_TRUE(cluster.poll_until([&] { return result.has_value(); }));
    EXPECT_EQ(result->first, socketio::error::ack_timeout);
    EXPECT_EQ(result->second, std::vector<json>{json::array({1})});
}

TEST(ClusterServerSideEmit, WithoutAClusterItGoesNowhere) {
    Harness h;
    bool called = false;
    std::optional<std::error_code> ec;
    h.io->on_server_side("x", [&](const json&) {
        called = true;
        return json();
    });
    h.io->of("/").server_side_emit_with_ack("x", [&](std::error_code e, std::vector<json> answers) {
        ec = e;
        EXPECT_TRUE(answers.empty());
    });
    h.poll();
    ASSERT_TRUE(ec);
    EXPECT_FALSE(*ec);
    EXPECT_FALSE(called);
}

}  // namespace
}  // namespace sio_test
