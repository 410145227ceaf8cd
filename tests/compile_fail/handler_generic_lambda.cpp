// expect: socketio: a handler must be a lambda or function with one fixed signature
// A generic lambda has no parameter types to convert the arguments to.
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&, auto value) { return value; });
}
