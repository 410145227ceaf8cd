// expect: socketio: a connect handler or middleware is callable as (socketio::Socket&)
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on_connect([](socketio::Socket&, const socketio::json&, int) { return true; });
}
