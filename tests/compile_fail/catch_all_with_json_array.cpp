// expect: socketio: a catch-all handler is callable as
// The catch-all takes its arguments as socketio::Args (a json& there would be the first argument).
#include "socketio/socketio.hpp"

void install(socketio::Server& io) {
    io.on_catch_all([](socketio::Socket&, const std::string&, socketio::json&) {});
}
