// socketio-emit: emits one event to the clients of a Socket.IO cluster through Redis, from a
// shell, a cron job or a deploy script (socketio::redis_emitter; docs/cluster.md).
//
//   socketio-emit --redis redis://localhost:6379 --namespace /chat --room r1 news '{"text":"hi"}'
//
// Exit status: 0 emitted (it reached Redis), 1 Redis did not take it in time, 2 bad usage (an
// unknown option, a bad URL, an argument that is not JSON, a format this build does not have).

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "socketio/emitter.hpp"
#include "socketio/redis.hpp"

namespace {

constexpr std::string_view usage_text =
    R"(Usage: socketio-emit [OPTIONS] EVENT [JSON]...

Emits EVENT to the clients of a Socket.IO cluster (socketio-cpp, python-socketio or Node servers
joined by Redis). Each JSON argument is one argument of the event, as JSON text: '"text"', '42',
'{"a": [1, 2]}', 'null'.

Options:
  --redis URL          the Redis server: redis://[[user]:password@]host[:port][/db], rediss://…,
                       unix:///path (default redis://localhost:6379)
  --channel NAME       the cluster's channel (default: socketio for --format python,
                       the key prefix socket.io for --format node)
  --namespace NSP      the namespace (default /)
  --room ROOM          only the sockets in ROOM (a sid is a room); repeat for several
  --except ROOM        not the sockets in ROOM (or with that sid); repeat for several
  --format FORMAT      python (python-socketio's messages, the default) or node
                       (@socket.io/redis-adapter's)
  --timeout MS         how long to wait for Redis to take the message (default 5000)
  --verbose            say what was emitted
  -h, --help           this text

Exit status: 0 emitted, 1 Redis did not take the message in time, 2 bad usage.
)";

struct Usage {
    std::string message;
};

struct Command {
    std::string url = "redis://localhost:6379";
    socketio::EmitterOptions emitter;
    std::string nsp = "/";
    std::vector<std::string> rooms;
    std::vector<std::string> except;
    std::chrono::milliseconds timeout{5000};
    bool verbose = false;
    std::string event;
    socketio::json args = socketio::json::array();
};

Command parse(int argc, char** argv) {
    Command command;
    std::vector<std::string> positional;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-' || arg == "-") {
            positional.push_back(std::move(arg));
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            std::cout << usage_text;
            std::exit(0);
        }
        if (arg == "--verbose" || arg == "-v") {
            command.verbose = true;
            continue;
        }
        std::string name = arg;
        std::optional<std::string> value;
        if (auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        static const std::vector<std::string> with_value = {
            "--redis", "--channel", "--namespace", "--room", "--except", "--format", "--timeout"};
        if (std::find(with_value.begin(), with_value.end(), name) == with_value.end()) {
            throw Usage{"unknown option " + arg};
        }
        if (!value) {
            if (i + 1 >= argc) throw Usage{name + " needs a value"};
            value = argv[++i];
        }
        if (name == "--redis") {
            command.url = *value;
        } else if (name == "--channel") {
            if (value->empty()) throw Usage{"--channel is empty"};
            command.emitter.channel = *value;
        } else if (name == "--namespace") {
            command.nsp = *value;
        } else if (name == "--room") {
            command.rooms.push_back(*value);
        } else if (name == "--except") {
            command.except.push_back(*value);
        } else if (name == "--format") {
            if (*value == "python") {
                command.emitter.format = socketio::ClusterFormat::python_socketio;
            } else if (*value == "node") {
                command.emitter.format = socketio::ClusterFormat::node_redis_adapter;
            } else {
                throw Usage{"--format is python or node, not " + *value};
            }
        } else if (name == "--timeout") {
            char* end = nullptr;
            const long long ms = std::strtoll(value->c_str(), &end, 10);
            if (value->empty() || *end != '\0' || ms <= 0 || ms > 3'600'000) {
                throw Usage{"--timeout is a number of milliseconds (1 to 3600000), not " + *value};
            }
            command.timeout = std::chrono::milliseconds(ms);
        }
    }
    if (positional.empty()) throw Usage{"no EVENT given"};
    command.event = positional.front();
    if (command.event.empty()) throw Usage{"EVENT is empty"};
    for (std::size_t i = 1; i < positional.size(); ++i) {
        auto value = socketio::json::parse(positional[i], nullptr, false);
        if (value.is_discarded()) {
            throw Usage{"argument " + std::to_string(i) + " is not JSON: " + positional[i] +
                        " (a string is written '\"text\"')"};
        }
        command.args.push_back(std::move(value));
    }
    return command;
}

/// The URL without its password, for messages.
std::string redacted(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto at = url.find('@', scheme + 3);
    const auto path = url.find('/', scheme + 3);
    if (at == std::string::npos || (path != std::string::npos && path < at)) return url;
    return url.substr(0, scheme + 3) + "***@" + url.substr(at + 1);
}

int run(const Command& command) {
    // The driver logs to "socketio" (a failed connection attempt at warning): the one-line error
    // below says it better, so the log shows only with --verbose.
    if (command.verbose) {
        spdlog::stderr_color_mt("socketio")->set_level(spdlog::level::warn);
    } else {
        spdlog::create<spdlog::sinks::null_sink_mt>("socketio");
    }
    socketio::RedisOptions redis{.connect_timeout = command.timeout};
    std::optional<socketio::Emitter> emitter;
    try {
        emitter.emplace(socketio::redis_emitter(command.url, command.emitter, redis));
    } catch (const std::system_error& e) {
        if (e.code() == socketio::redis_error::invalid_url) {
            throw Usage{"invalid --redis URL " + redacted(command.url) + ": " + e.what()};
        }
        throw;
    } catch (const std::invalid_argument& e) {
        throw Usage{std::string("--format: ") + e.what()};
    }
    try {
        emitter->of(command.nsp)
            .to(command.rooms)
            .except(command.except)
            .emit_args(command.event, command.args);
    } catch (const std::system_error& e) {
        throw Usage{"EVENT " + command.event + ": " + e.what()};
    }
    if (auto ec = emitter->flush(command.timeout)) {
        std::cerr << "socketio-emit: " << redacted(command.url) << ": " << ec.message()
                  << " (waited " << command.timeout.count() << " ms)\n";
        return 1;
    }
    if (command.verbose) {
        std::cerr << "socketio-emit: emitted " << command.event << " with " << command.args.size()
                  << " argument(s) to " << emitter->of(command.nsp).nsp();
        for (const auto& room : command.rooms) std::cerr << " room " << room;
        for (const auto& room : command.except) std::cerr << " except " << room;
        std::cerr << " on channel "
                  << (command.emitter.channel.empty() ? "(the format's default)"
                                                      : command.emitter.channel)
                  << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const Usage& usage) {
        std::cerr << "socketio-emit: " << usage.message << " (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "socketio-emit: " << e.what() << "\n";
        return 1;
    }
}
