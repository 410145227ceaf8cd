// acks — acknowledgements both ways.
//
//   build/debug/examples/acks/acks [port]      (default 5000; prints the URL)
//
// From a client (node, in tests/js):
//   const s = require("socket.io-client")("http://127.0.0.1:5000");
//   s.emit("sum", 2, 3, (r) => console.log(r));                 // 5
//   s.on("question", (q, ack) => ack("42"));                    // answer the server's question
//   s.on("answer", console.log);
//   s.emit("ask", "meaning of life?", console.log);             // "asked", then answer
//   {answer:["42"]}

#include <string>

#include "acks.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_acks(io);
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
