// expect: socketio: each event parameter after socketio::Socket& must be socketio::json
// A parameter type json cannot convert to.
#include "socketio/socketio.hpp"

struct Opaque {};  // no from_json

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&, Opaque) {});
}
