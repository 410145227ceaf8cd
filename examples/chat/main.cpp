// chat — a multi-room chat: nicknames, rooms, live user lists, typing notices, a server clock.
//
//   build/debug/examples/chat/chat [--host H] [--port P] [--redis URL [--channel C]] [--verbose]
//   build/debug/examples/chat/chat 5000                      (the port alone, as before)
//
// Defaults: 127.0.0.1, port 5000; prints the URL. With --redis redis://host:port it is one server
// of a cluster: its rooms, user lists and messages reach the clients of every chat process that
// uses the same Redis and channel (scripts/cluster-demo.sh runs three behind nginx; see
// docs/cluster.md "Deploying").
//
// The page is examples/chat/public/ (copied with the browser client next to the binary, in
// build/debug/examples/chat/public/), served by socketio::App on the same port. The Socket.IO
// logic is install_chat() in chat.cpp, which tests/examples/chat_test.cpp drives with
// socketio::testing::TestClient; tests/js/browser/chat.mjs drives the page in chromium.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "chat.hpp"
#include "socketio/app.hpp"
#include "socketio/cluster_adapter.hpp"
#include "socketio/redis.hpp"

namespace {

struct Arguments {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5000;
    std::string redis_url;  // empty: one process, the in-memory adapter
    std::string channel = "chat";
    bool verbose = false;  // Socket.IO logs at info: connections, the Redis driver's state
};

[[noreturn]] void usage(const char* why) {
    std::cerr << "chat: " << why
              << "\nusage: chat [--host H] [--port P] [--redis redis://HOST:PORT [--channel C]] "
                 "[--verbose]\n";
    std::exit(2);
}

std::uint16_t parse_port(std::string_view text) {
    try {
        const int port = std::stoi(std::string(text));
        if (port < 0 || port > 65535) usage("a port is 0 to 65535");
        return static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        usage("a port is a number");
    }
}

Arguments parse(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) usage("an option lacks its value");
            return argv[++i];
        };
        if (arg == "--host") {
            args.host = value();
        } else if (arg == "--port") {
            args.port = parse_port(value());
        } else if (arg == "--redis") {
            args.redis_url = value();
        } else if (arg == "--channel") {
            args.channel = value();
        } else if (arg == "--verbose") {
            args.verbose = true;
        } else if (arg == "-h" || arg == "--help") {
            usage("a multi-room chat");
        } else if (!arg.starts_with("-")) {
            args.port = parse_port(arg);
        } else {
            usage("unknown option");
        }
    }
    return args;
}

}  // namespace

int main(int argc, char** argv) {
    const Arguments args = parse(argc, argv);

    // With --redis: the Redis driver runs on a thread of its own (it only relays messages), and
    // every namespace gets a cluster adapter over it. The driver connects when the server
    // starts and keeps retrying (and logging) while Redis is away; the chat keeps serving its
    // own clients meanwhile.
    boost::asio::io_context redis_loop;
    auto redis_work = boost::asio::make_work_guard(redis_loop);
    std::optional<std::thread> redis_thread;
    socketio::ServerOptions options;  // same-origin only (the default): the page is ours
    options.logger = args.verbose;
    if (!args.redis_url.empty()) {
        try {
            auto driver =
                socketio::make_redis_driver(redis_loop.get_executor(), {.url = args.redis_url});
            options.adapter = socketio::cluster_adapter(driver, {.channel = args.channel});
        } catch (const std::exception& e) {
            std::cerr << "chat: --redis " << args.redis_url << ": " << e.what() << "\n";
            return 2;
        }
        redis_thread.emplace([&redis_loop] { redis_loop.run(); });
    }

    int status = 0;
    {
        socketio::Server io{std::move(options)};
        install_chat(io);

        // The page and the official browser client beside it (copied there at build time),
        // served by the same server on the same port: open the printed URL.
        socketio::App app{io};
        app.static_files("/", CHAT_PUBLIC_DIR);

        try {
            io.run(args.host, args.port);  // until Ctrl-C / SIGTERM; stop() closes the adapter
        } catch (const std::exception& e) {
            std::cerr << "chat: " << e.what() << "\n";
            status = 1;
        }
    }
    redis_work.reset();
    if (redis_thread) redis_thread->join();
    return status;
}
