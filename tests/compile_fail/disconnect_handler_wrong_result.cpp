// expect: socketio: a disconnect handler is callable as (socketio::Socket&)
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on_disconnect([](socketio::Socket&) { return 1; });
}
