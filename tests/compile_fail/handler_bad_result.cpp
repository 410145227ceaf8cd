// expect: socketio: a handler returns void, its ack value
// The return value is the ack: it must convert to json.
#include "socketio/socketio.hpp"

struct Opaque {};

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&) { return Opaque{}; });
}
