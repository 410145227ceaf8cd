// socketio::ServerOptions: the Engine.IO options are engineio::ServerOptions held as they are, so
// what a user sets in `engine` is what the engine runs with (no hand-copied twin that drifts).

#include "engineio/server.hpp"
#include "harness.hpp"

namespace sio_test {
namespace {

TEST(Options, EngineOptionsReachTheEngineAsSet) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}},
                                    .path = "/custom/",
                                    .logger = false,
                                    .heartbeat = {.ping_interval = 10s},
                                    .limits = {.max_payload = 5000},
                                    .threads = 1},
                         .handlers = {.async = false},
                         .limits = {.max_values_per_packet = 77}}};
    const engineio::ServerOptions& engine = io.engine().options();
    EXPECT_EQ(engine.path, "/custom/");
    EXPECT_EQ(engine.heartbeat.ping_interval, 10s);
    EXPECT_EQ(engine.heartbeat.ping_timeout, engineio::ServerOptions{}.heartbeat.ping_timeout)
        << "the engine's default";
    EXPECT_EQ(engine.limits.max_payload, 5000u);
    EXPECT_EQ(engine.cors.allowed_origins, std::vector<std::string>{"*"});
    EXPECT_EQ(engine.threads, 1u);
    EXPECT_EQ(io.options().limits.max_values_per_packet, 77u);
    EXPECT_EQ(io.loop_count(), 1u);
}

}  // namespace
}  // namespace sio_test
