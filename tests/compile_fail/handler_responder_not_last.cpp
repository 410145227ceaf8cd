// expect: socketio: socketio::Responder must be the handler's last parameter
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on("chat", [](socketio::Socket&, socketio::Responder, int) {});
}
