// binary — binary arguments and acks (Socket.IO's attachments).
//
//   build/debug/examples/binary/binary [port]      (default 5000; prints the URL)
//
// From a client (node, in tests/js):
//   const s = require("socket.io-client")("http://127.0.0.1:5000");
//   s.emit("upload", "a.bin", Buffer.from([1, 2, 3]), console.log);   // { size: 3 }
//   s.emit("download", "a.bin", console.log);                          // <Buffer 01 02 03>
//   s.on("reversed", console.log); s.emit("reverse", Buffer.from("abc"));  // <Buffer 63 62 61>

#include <string>

#include "binary.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_binary(io);
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
