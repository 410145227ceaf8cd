// expect: socketio: a handler that takes a socketio::Responder acks through it and must return void
// Two ways to ack at once: refused.
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&, socketio::Responder) { return 1; });
}
