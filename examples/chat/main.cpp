// chat — a multi-room chat: nicknames, rooms, live user lists, typing notices, a server clock.
//
//   build/debug/examples/chat/chat [port]      (default 5000; prints the URL)
//
// The page is examples/chat/public/ (copied with the browser client next to the binary, in
// build/debug/examples/chat/public/). The Socket.IO logic is install_chat() in chat.cpp, which
// tests/examples/chat_test.cpp drives with socketio::testing::TestClient.

#include <iostream>
#include <string>

#include "chat.hpp"

int main(int argc, char** argv) {
    socketio::Server io{{.engine = {.cors = {.allowed_origins = {"*"}}}}};
    install_chat(io);

    // >>> STATIC FILES: the one place where the page gets served. When the HTTP routes and
    // static files land (socketio_app), mount CHAT_PUBLIC_DIR on "/" here, e.g.
    //     app.static_files("/", CHAT_PUBLIC_DIR);
    // Until then this program serves Socket.IO only; open the page from any static server whose
    // origin CORS allows (allowed_origins above is "*"), e.g.
    //     cd build/debug/examples/chat/public && python3 -m http.server 8000
    // and point app.js at this server with ?server=http://127.0.0.1:5000.
    std::cerr << "chat: page in " << CHAT_PUBLIC_DIR << " (not served yet: see main.cpp)\n";
    // <<< STATIC FILES

    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
