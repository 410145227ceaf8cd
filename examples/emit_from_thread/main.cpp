// emit_from_thread — a background thread emitting to a room.
//
//   build/debug/examples/emit_from_thread/emit_from_thread [port]   (default 5000; prints the URL)
//
// From a client (node, in tests/js):
//   const s = require("socket.io-client")("http://127.0.0.1:5000");
//   s.on("tick", console.log); s.emit("subscribe");            // { n: 1 }, { n: 2 }, … every
//   second

#include <string>

#include "emit_from_thread.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_emit_from_thread(io, std::chrono::seconds(1));
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
