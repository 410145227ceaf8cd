// expect: socketio: an event handler's first parameter must be socketio::Socket&
// A handler must take the socket first.
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on("chat", [](const std::string& text) { return text; });
}
