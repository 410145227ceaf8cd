// chat — a multi-room chat: nicknames, rooms, live user lists, typing notices, a server clock.
//
//   build/debug/examples/chat/chat [port]      (default 5000; prints the URL)
//
// The page is examples/chat/public/ (copied with the browser client next to the binary, in
// build/debug/examples/chat/public/), served by socketio::App on the same port. The Socket.IO
// logic is install_chat() in chat.cpp, which tests/examples/chat_test.cpp drives with
// socketio::testing::TestClient; tests/js/browser/chat.mjs drives the page in chromium.

#include <string>

#include "chat.hpp"
#include "socketio/app.hpp"

int main(int argc, char** argv) {
    socketio::Server io;  // same-origin only (the default): the page comes from this server
    install_chat(io);

    // The page and the official browser client beside it (copied there at build time), served
    // by the same server on the same port: open the printed URL.
    socketio::App app{io};
    app.static_files("/", CHAT_PUBLIC_DIR);

    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
