// auth — the auth payload of a connection, and refusing it with data.
//
//   build/debug/examples/auth/auth [port]      (default 5000; prints the URL)
//
// From a client (node, in tests/js):
//   const io = require("socket.io-client");
//   io("http://127.0.0.1:5000", { auth: { token: "nope" } })
//       .on("connect_error", (e) => console.log(e.message, e.data));  // invalid token
//       {token:'nope'}
//   io("http://127.0.0.1:5000", { auth: { token: "ann-token" } })
//       .on("welcome", console.log);                                  // ann

#include <string>

#include "auth.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_auth(io);
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
