// class_namespace — a namespace written as a class (socketio::NamespaceHandler).
//
//   build/debug/examples/class_namespace/class_namespace [port]   (default 5000; prints the URL)
//
// From a client (node, in tests/js):
//   const s = require("socket.io-client")("http://127.0.0.1:5000/counter");
//   s.on("count", (n) => console.log("count", n));
//   s.emit("increment", 5, console.log);                          // 5 (and "count" 5)

#include <string>

#include "class_namespace.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_class_namespace(io);
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
