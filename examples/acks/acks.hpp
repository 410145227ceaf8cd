#pragma once
// The handlers of the acks example (see main.cpp).

#include "socketio/server.hpp"

/// "sum" (a, b) → acks a + b. "ask" (question) → the server asks the client back with an ack
/// ("question", question) and emits "answer" with what the client answered (or the error).
void install_acks(socketio::Server& io);
