#pragma once
// The handlers of the emit_from_thread example (see main.cpp).

#include <chrono>

#include "socketio/server.hpp"

/// "subscribe" / "unsubscribe": join or leave the room "ticks". A background task (its own
/// thread) emits "tick" {"n": 1, 2, …} to that room every `interval` until the server stops.
void install_emit_from_thread(socketio::Server& io, std::chrono::milliseconds interval);
