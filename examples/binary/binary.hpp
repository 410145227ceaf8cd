#pragma once
// The handlers of the binary example (see main.cpp).

#include "socketio/server.hpp"

/// "upload" (name, bytes) → keeps the bytes under that name, acks their size.
/// "download" (name) → acks the bytes (a binary argument), or null when there are none.
/// "reverse" (bytes) → emits "reversed" with the bytes in reverse order.
void install_binary(socketio::Server& io);
