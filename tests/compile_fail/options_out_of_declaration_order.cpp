// expect: designator order for field 'engineio::ServerOptions::path' does not match
// Options are set with designated initializers in their declaration order (C++20 requires it):
// `path` is declared before `ping_interval`.
#include <chrono>

#include "engineio/options.hpp"

engineio::ServerOptions options{.ping_interval = std::chrono::seconds(10), .path = "/engine.io/"};
