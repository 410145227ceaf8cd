// socketio_minimal — the README's Socket.IO example, compiled so the README cannot drift from the
// API. Clients connect with auth {"token": …}, join rooms and chat in them.

#include <string>

#include "socketio/socketio.hpp"
using socketio::json;

int main() {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    io.on_connect([](socketio::Socket&, const json& auth) { return auth.contains("token"); });
    io.on("join", [](socketio::Socket& s, std::string room) { s.join(room); });
    io.on("chat", [](socketio::Socket& s, const json& msg) {
        s.emit_to(msg["room"].get<std::string>(), "chat", msg);  // the room, except the sender
        return json{{"ok", 1}};                                  // the client's ack argument
    });
    io.run("127.0.0.1", 5000);  // prints the URL; Ctrl-C (SIGINT) or SIGTERM stops it cleanly
}
