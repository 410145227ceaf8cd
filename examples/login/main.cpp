// login — HTTP routes and Socket.IO sharing a signed session (Flask-SocketIO's pattern):
//
//   build/debug/examples/login/login [port]        (default 5000)
//   curl -c jar -H 'Content-Type: application/json' -d '{"user":"ann"}' localhost:5000/login
//   curl -b jar localhost:5000/me                    → {"user":"ann"}
//
// A Socket.IO client sending that cookie is accepted and its "whoami" acks "ann"; one without
// it is refused with "login first". The handlers are install_login() in login.cpp, which
// tests/examples/login_test.cpp drives over real HTTP and the TestClient.

#include <cstdlib>
#include <string>

#include "login.hpp"

int main(int argc, char** argv) {
    socketio::Server io;
    // The key that signs the session cookie: from the environment in a real deployment.
    const char* key = std::getenv("SECRET_KEY");
    socketio::App app{io, {.secret_key = key ? key : "change me: a long random secret"}};
    install_login(io, app);
    io.run("127.0.0.1", static_cast<std::uint16_t>(argc > 1 ? std::stoi(argv[1]) : 5000));
}
