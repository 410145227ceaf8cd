// socketio::ServerOptions: the Engine.IO options are engineio::ServerOptions held as they are, so
// what a user sets in `engine` is what the engine runs with (no hand-copied twin that drifts).

#include "engineio/server.hpp"
#include "harness.hpp"

namespace sio_test {
namespace {

TEST(Options, EngineOptionsReachTheEngineAsSet) {
    socketio::Server io{{
        .engine = {.path = "/custom/",
                   .ping_interval = 10s,
                   .max_payload = 5000,
                   .cors_allowed_origins = {"*"},
                   .threads = 1,
                   .logger = false},
        .async_handlers = false,
        .max_values_per_packet = 77,
    }};
    const engineio::ServerOptions& engine = io.engine().options();
    EXPECT_EQ(engine.path, "/custom/");
    EXPECT_EQ(engine.ping_interval, 10s);
    EXPECT_EQ(engine.ping_timeout, engineio::ServerOptions{}.ping_timeout)
        << "the engine's default";
    EXPECT_EQ(engine.max_payload, 5000u);
    EXPECT_EQ(engine.cors_allowed_origins, std::vector<std::string>{"*"});
    EXPECT_EQ(engine.threads, 1u);
    EXPECT_EQ(io.options().max_values_per_packet, 77u);
    EXPECT_EQ(io.loop_count(), 1u);
}

}  // namespace
}  // namespace sio_test
