// socketio_echo — a tiny Socket.IO server: echo with ack, rooms, broadcasts, a server-side ack.
//
//   socketio_echo [--host 127.0.0.1] [--port 5000] [--cors '*'] [--ping-interval ms]
//                 [--ping-timeout ms] [--max-send-queue-bytes n] [--verbose]
//
// Events (namespace "/"; "/admin" accepts clients whose auth has {"token": "admin"}):
//   "echo"   (any args…)      → the ack is the same arguments; also emitted back as "echo"
//   "join"   (room)           → joins the room; ack: the socket's rooms
//   "leave"  (room)           → leaves it; ack: the socket's rooms
//   "say"    (room, message)  → "said" (sid, message) to the room's other members; ack: "ok"
//   "shout"  (message)        → "shouted" (sid, message) to everyone else
//   "ask"    (args…)          → the server emits "question" (args…) with an ack to this client
//                               and emits "answer" with the client's ack arguments
// On connect every client gets "welcome" (sid, handshake query).

#include <csignal>
#include <iostream>
#include <string>

#include "socketio/socketio.hpp"

using socketio::json;

namespace {
void usage() {
    std::cerr << "usage: socketio_echo [--host H] [--port P] [--cors ORIGIN] [--ping-interval MS]"
                 " [--ping-timeout MS] [--max-send-queue-bytes N] [--verbose]\n";
}
}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    long port = 5000;
    socketio::ServerOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--verbose") {
            options.logger = true;
            options.engine.logger = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        const std::string value = argv[++i];
        try {
            if (flag == "--host") {
                host = value;
            } else if (flag == "--port") {
                port = std::stol(value);
            } else if (flag == "--cors") {
                options.engine.cors.allowed_origins.push_back(value);
            } else if (flag == "--ping-interval") {
                options.engine.heartbeat.ping_interval =
                    std::chrono::milliseconds(std::stol(value));
            } else if (flag == "--ping-timeout") {
                options.engine.heartbeat.ping_timeout = std::chrono::milliseconds(std::stol(value));
            } else if (flag == "--max-send-queue-bytes") {
                options.engine.limits.max_send_queue_bytes = std::stoul(value);
            } else {
                usage();
                return 2;
            }
        } catch (const std::exception&) {
            std::cerr << "invalid value for " << flag << ": " << value << "\n";
            return 2;
        }
    }

    // SIGINT/SIGTERM are waited for with sigwait on this thread (blocked in every other thread).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    socketio::Server io{options};

    io.on_connect([](socketio::Socket& s) {
        json query = json::object();
        for (const auto [k, v] : s.handshake().request().query()) query[std::string(k)] = v;
        s.emit("welcome", s.sid(), query);
    });
    io.on("join", [](socketio::Socket& s, const std::string& room) {
        s.join(room);
        return s.rooms();
    });
    io.on("leave", [](socketio::Socket& s, const std::string& room) {
        s.leave(room);
        return s.rooms();
    });
    io.on("say", [](socketio::Socket& s, const std::string& room, const json& message) {
        s.to(room).emit("said", s.sid(), message);
        return "ok";
    });
    io.on("shout", [](socketio::Socket& s, const json& message) {
        s.broadcast().emit("shouted", s.sid(), message);
    });
    io.on("echo", [](socketio::Socket& s, socketio::Args args) {
        s.emit("echo", args);
        return args;  // the ack: every argument, as it came
    });
    io.on("ask", [](socketio::Socket& s, socketio::Args args) {
        s.timeout(std::chrono::seconds(5))
            .emit_with_ack("question", args, [s](std::error_code ec, json answer) {
                if (ec) {
                    s.emit("answer", json{{"error", ec.message()}});
                } else {
                    s.emit_args("answer", std::move(answer));
                }
            });
        return "asked";
    });
    io.on_catch_all([](socketio::Socket&, const std::string& event, socketio::Args) {
        return socketio::Ack{"unknown event", event};
    });
    io.of("/admin").use([](socketio::Socket&, const json& auth) {
        if (auth.value("token", "") != "admin") {
            throw socketio::ConnectionRefused("not authorized", {{"hint", "token"}});
        }
    });
    io.of("/admin").on("count",
                       [](socketio::Socket& s) { return s.server().of("/").sockets().size(); });

    try {
        io.listen(host, static_cast<std::uint16_t>(port));
    } catch (const std::exception& e) {
        std::cerr << "socketio_echo: " << e.what() << "\n";
        return 1;
    }
    std::cout << "listening on http://" << host << ":" << io.port() << io.options().engine.path
              << std::endl;
    io.start();

    int received = 0;
    sigwait(&signals, &received);
    std::cout << "stopping (signal " << received << ")" << std::endl;
    io.stop();
    return 0;
}
