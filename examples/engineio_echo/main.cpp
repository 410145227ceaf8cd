// engineio_echo: an Engine.IO v4 server that sends every message back (text as text, binary as
// binary). Try it with the official client:
//
//   engineio_echo --port 3000
//   node -e 'const {Socket} = require("engine.io-client");
//            const s = new Socket("ws://127.0.0.1:3000", {path: "/engine.io/"});
//            s.on("open", () => s.send("hi")); s.on("message", m => { console.log(m); s.close();
//            });'
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include <engineio/server.hpp>

namespace {

void usage() {
    std::cerr
        << "usage: engineio_echo [--host 127.0.0.1] [--port 3000] [--path /engine.io/]\n"
           "                     [--ping-interval MS] [--ping-timeout MS] [--cors ORIGIN|*]\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    unsigned long port = 3000;
    engineio::ServerOptions options{.path = "/engine.io/"};
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            usage();
            return 0;
        }
        if (i + 1 >= argc) {
            std::cerr << "missing value for " << flag << "\n";
            usage();
            return 2;
        }
        const std::string value = argv[++i];
        try {
            if (flag == "--host") {
                host = value;
            } else if (flag == "--port") {
                port = std::stoul(value);
                if (port > 65535) throw std::out_of_range("port");
            } else if (flag == "--path") {
                options.path = value;
            } else if (flag == "--ping-interval") {
                options.heartbeat.ping_interval = std::chrono::milliseconds(std::stoul(value));
            } else if (flag == "--ping-timeout") {
                options.heartbeat.ping_timeout = std::chrono::milliseconds(std::stoul(value));
            } else if (flag == "--cors") {
                options.cors.allowed_origins.push_back(value);
            } else {
                std::cerr << "unknown flag " << flag << "\n";
                usage();
                return 2;
            }
        } catch (const std::exception&) {
            std::cerr << "invalid value for " << flag << ": " << value << "\n";
            return 2;
        }
    }

    // SIGINT/SIGTERM are waited for on a dedicated thread (sigwait), so the handler is not a
    // signal handler and may call stop().
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by the server's threads

    engineio::Server server{options};
    server.on_message([](const engineio::SessionPtr& session, std::string_view data, bool binary) {
        session->send(binary ? engineio::Message::binary(std::string(data))
                             : engineio::Message::text(std::string(data)));
    });
    try {
        server.listen(host, static_cast<std::uint16_t>(port));
    } catch (const std::exception& e) {
        std::cerr << "engineio_echo: " << e.what() << "\n";
        return 1;
    }
    std::cout << "listening on http://" << host << ":" << server.port() << server.options().path
              << std::endl;
    server.start();

    int received = 0;
    sigwait(&signals, &received);
    std::cout << "stopping (signal " << received << ")" << std::endl;
    server.stop();
    return 0;
}
