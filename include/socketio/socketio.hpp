#pragma once
// The usual set of socketio-cpp headers.

#include "socketio/ack.hpp"        // IWYU pragma: export
#include "socketio/adapter.hpp"    // IWYU pragma: export
#include "socketio/error.hpp"      // IWYU pragma: export
#include "socketio/namespace.hpp"  // IWYU pragma: export
#include "socketio/options.hpp"    // IWYU pragma: export
#include "socketio/server.hpp"     // IWYU pragma: export
#include "socketio/socket.hpp"     // IWYU pragma: export
#include "socketio/version.hpp"    // IWYU pragma: export
