// expect: socketio: socketio::Args must follow every typed parameter
// Args takes the remaining arguments, so nothing typed may follow it.
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&, socketio::Args, int) {});
}
