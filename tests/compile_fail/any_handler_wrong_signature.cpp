// expect: socketio: an on_any handler is callable as
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on_any([](socketio::Socket&, const std::string&) {});
}
