// socketio_bench — socketio-cpp serving the benchmark contract (bench/README.md), on the public
// API only, with default options:
//   namespace "/"; "echo" (args…) acks with the same arguments; "broadcast" (x) emits "bcast" (x)
//   to every client of "/", sender included, then acks with no arguments.
//
//   socketio_bench PORT [HOST]      (prints "listening on PORT" once it accepts)

#include <csignal>
#include <iostream>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "socketio/socketio.hpp"

using socketio::json;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: socketio_bench PORT [HOST]\n";
        return 2;
    }
    const auto port = static_cast<std::uint16_t>(std::stoul(argv[1]));
    const std::string host = argc > 2 ? argv[2] : "127.0.0.1";

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    socketio::Server io;
    io.on("echo", [](socketio::Socket&, socketio::Args args) { return args; });
    io.on("broadcast", [&io](socketio::Socket&, json payload) -> boost::asio::awaitable<void> {
        // The contract acks only once every client's send path has the bcast: co_emit resumes
        // once every loop has queued it to its sockets.
        co_await io.of("/").broadcast().co_emit("bcast", payload);
    });

    try {
        io.listen(host, port);
    } catch (const std::exception& e) {
        std::cerr << "socketio_bench: " << e.what() << "\n";
        return 1;
    }
    io.start();
    std::cout << "listening on " << io.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    io.stop();
    return 0;
}
