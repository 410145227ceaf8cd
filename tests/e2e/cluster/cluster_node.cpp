// One server of the e2e cluster (tests/js/cluster/cluster.mjs starts three behind nginx): a
// socketio::Server with the Redis driver and the cluster adapter, whose handlers let a client
// drive every cluster operation (issue 14 §4) from any process, and report what they did.
//
//   socketio_cluster_node --port P --redis redis://127.0.0.1:R [--max-queued N]
//
// Prints "cluster-node listening on URL" once it serves; SIGTERM stops it cleanly. Its "socketio"
// log (info and above) goes to stderr, where the test reads the Redis driver's lines (lost,
// dropped, connected).

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "socketio/cluster_adapter.hpp"
#include "socketio/redis.hpp"
#include "socketio/server.hpp"

using socketio::json;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> strings(const json& value) {
    std::vector<std::string> result;
    if (value.is_string()) result.push_back(value.get<std::string>());
    if (value.is_array()) {
        for (const auto& item : value) result.push_back(item.get<std::string>());
    }
    return result;
}

/// {to: room or [rooms], except: room or [rooms], local: bool} → a Broadcast of "/".
socketio::Broadcast target(socketio::Server& io, const json& spec) {
    socketio::Broadcast b = io.of("/").broadcast();
    if (!spec.is_object()) return b;
    if (auto to = strings(spec.value("to", json())); !to.empty()) b = b.to(to);
    if (auto except = strings(spec.value("except", json())); !except.empty()) b = b.except(except);
    if (spec.value("local", false)) b = b.local();
    return b;
}

json describe(const std::vector<socketio::RemoteSocket>& sockets) {
    json list = json::array();
    for (const auto& s : sockets) {
        list.push_back({{"sid", s.sid()}, {"rooms", s.rooms()}, {"server_id", s.info().server_id}});
    }
    return list;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint16_t port = 0;
    std::string redis_url;
    std::size_t max_queued = 10'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i], value = argv[i + 1];
        if (option == "--port")
            port = static_cast<std::uint16_t>(std::stoi(value));
        else if (option == "--redis")
            redis_url = value;
        else if (option == "--max-queued")
            max_queued = std::stoul(value);
    }
    if (redis_url.empty()) {
        std::cerr << "usage: socketio_cluster_node --port P --redis URL [--max-queued N]\n";
        return 2;
    }

    boost::asio::io_context redis_loop;
    auto work = boost::asio::make_work_guard(redis_loop);
    std::thread redis_thread([&] { redis_loop.run(); });
    {
        auto driver = socketio::make_redis_driver(
            redis_loop.get_executor(),
            {.url = redis_url, .reconnect_max_delay = 500ms, .max_queued_messages = max_queued});
        // Heartbeats far apart: the fault test counts what this server publishes while Redis is
        // down, and a heartbeat would be one more. The servers know each other from their hello.
        socketio::Server io{
            {.engine = {.run = {.listening =
                                    [](std::string_view url) {
                                        std::cout << "cluster-node listening on " << url
                                                  << std::endl;
                                    }}},
             .logger = true,  // info: the Redis driver's "connected to"
             .adapter = socketio::cluster_adapter(driver, {.channel = "e2e",
                                                           .request_timeout = 3s,
                                                           .heartbeat_interval = 120s,
                                                           .heartbeat_timeout = 240s})}};
        const int my_port = port;

        io.on_server_side("ping", [my_port](const json& args) {
            return json{{"port", my_port}, {"got", args}};
        });
        io.on_connect([my_port](socketio::Socket& s) {
            s.emit("welcome",
                   json{{"port", my_port}, {"sid", s.sid()}, {"server_id", s.nsp().server_id()}});
        });
        io.on("whoami", [&io, my_port](socketio::Socket& s) {
            return json{{"port", my_port},
                        {"sid", s.sid()},
                        {"server_id", s.nsp().server_id()},
                        {"server_count", io.server_count()},
                        {"rooms", s.rooms()}};
        });
        io.on("join", [](socketio::Socket& s, const json& room) {
            s.join(room.get<std::string>());
            return true;
        });
        // {event, args: [...], to, except, local}
        io.on("emit", [&io](socketio::Socket&, const json& spec) {
            target(io, spec).emit_args(spec.at("event").get<std::string>(),
                                       spec.value("args", json::array()));
            return true;
        });
        io.on("enter_room", [&io](socketio::Socket&, const json& sid, const json& room) {
            return io.enter_room(sid.get<std::string>(), room.get<std::string>());
        });
        io.on("leave_room", [&io](socketio::Socket&, const json& sid, const json& room) {
            return io.leave_room(sid.get<std::string>(), room.get<std::string>());
        });
        io.on("disconnect_sid", [&io](socketio::Socket&, const json& sid) {
            return io.disconnect(sid.get<std::string>());
        });
        io.on("close_room", [&io](socketio::Socket&, const json& room) {
            io.close_room(room.get<std::string>());
            return true;
        });
        // {question, to, except, timeout_ms} → {error, expected, acks: [{sid, args}]}
        io.on("ask", [&io](socketio::Socket&, const json& spec, socketio::Responder respond) {
            target(io, spec)
                .timeout(std::chrono::milliseconds(spec.value("timeout_ms", 3000)))
                .emit_args_with_acks("question", json::array({spec.at("question")}),
                                     [respond](socketio::BroadcastAcks result) {
                                         json acks = json::array();
                                         for (const auto& a : result.acks)
                                             acks.push_back({{"sid", a.sid}, {"args", a.args}});
                                         respond(json{{"error", result.ec.message()},
                                                      {"timed_out", bool(result.ec)},
                                                      {"expected", result.expected},
                                                      {"acks", acks}});
                                     });
        });
        io.on("fetch", [&io](socketio::Socket&, const json& spec, socketio::Responder respond) {
            target(io, spec).fetch_sockets([respond](std::error_code ec,
                                                     std::vector<socketio::RemoteSocket> sockets) {
                respond(json{{"error", ec ? ec.message() : ""}, {"sockets", describe(sockets)}});
            });
        });
        // The same operations on what fetch_sockets found (RemoteSocket), wherever they are.
        io.on(
            "remote_emit", [&io](socketio::Socket&, const json& spec, socketio::Responder respond) {
                target(io, spec).fetch_sockets(
                    [respond, spec](std::error_code, std::vector<socketio::RemoteSocket> sockets) {
                        for (const auto& s : sockets)
                            s.emit("remote", spec.value("payload", json()));
                        respond(sockets.size());
                    });
            });
        io.on("sockets_join", [&io](socketio::Socket&, const json& spec) {
            target(io, spec).sockets_join(strings(spec.at("rooms")));
            return true;
        });
        io.on("sockets_leave", [&io](socketio::Socket&, const json& spec) {
            target(io, spec).sockets_leave(strings(spec.at("rooms")));
            return true;
        });
        io.on("disconnect_sockets", [&io](socketio::Socket&, const json& spec) {
            target(io, spec).disconnect_sockets(spec.value("close", false));
            return true;
        });
        io.on("server_side",
              [&io](socketio::Socket&, const json& payload, socketio::Responder respond) {
                  io.of("/").server_side_emit_args(
                      "ping", json::array({payload}),
                      [respond](std::error_code ec, std::vector<json> answers) {
                          respond(json{{"error", ec ? ec.message() : ""}, {"answers", answers}});
                      },
                      3s);
              });
        io.on("rooms", [](socketio::Socket& s) { return s.rooms(); });

        io.run("127.0.0.1", port);  // until SIGTERM / SIGINT; prints the line below first
    }
    work.reset();
    redis_thread.join();
    return 0;
}
