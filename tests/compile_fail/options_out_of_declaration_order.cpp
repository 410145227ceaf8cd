// expect: designator order for field 'socketio::ServerOptions::engine' does not match
// Designated initializers follow the declaration order (C++20 requires it). The options are a few
// groups so that only their order matters, but that order does: `engine` is socketio's first
// member, so it cannot come after `handlers` (docs/api.md lists each struct's order).
#include <chrono>

#include "socketio/options.hpp"

using namespace std::chrono_literals;

socketio::ServerOptions options{
    .handlers = {.async = true},
    .engine = {.cors = {.allowed_origins = {"*"}}, .heartbeat = {.ping_interval = 10s}},
};
