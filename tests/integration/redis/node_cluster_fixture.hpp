#pragma once
// What the Node interop tests share: one of our servers in the Node format
// (ClusterFormat::node_redis_adapter) over a real redis-server, with a control event the node
// scripts (tests/js/cluster/) use to make it do every cluster operation, and a runner for those
// scripts.
//
// The control protocol, the same on the Node server of node-adapter-interop.mjs: a client emits
// "do" {op, id, …}; the server answers with "result" (id, value) once the operation completed.

#include <memory>
#include <string>

#include "driver_fixture.hpp"
#include "socketio/cluster_adapter.hpp"
#include "socketio/server.hpp"
#include "support/environment.hpp"
#include "support/process.hpp"

namespace redistest {

using socketio::json;

/// Our server on 127.0.0.1 (a free port) joined to the Redis at `redis_url` in Node's format.
class NodeFormatServer {
  public:
    explicit NodeFormatServer(const std::string& redis_url)
        : driver_(socketio::make_redis_driver(io_.executor(), {.url = redis_url})) {
        socketio::ServerOptions options;
        options.adapter = socketio::cluster_adapter(
            driver_, {.format = socketio::ClusterFormat::node_redis_adapter,
                      .request_timeout = 4s,
                      .heartbeat_interval = 200ms});
        io_server_ = std::make_unique<socketio::Server>(std::move(options));
        for (const char* nsp : {"/", "/chat"}) install(io_server_->of(nsp));
        io_server_->listen("127.0.0.1", 0);
        io_server_->start();
    }
    ~NodeFormatServer() { io_server_->stop(); }

    socketio::Server& io() { return *io_server_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(io_server_->port()); }

    /// Runs tests/js/cluster/<script> <redis url> <our url>; it prints "OK" when every check
    /// passed.
    siotest::ProcessResult run_script(const std::string& script, const std::string& redis_url,
                                      std::chrono::milliseconds timeout = 90s) {
        return siotest::run_process(
            {.argv = {siotest::node_executable(), siotest::js_path("cluster/" + script), redis_url,
                      url()}},
            timeout);
    }

  private:
    static std::vector<std::string> strings(const json& request, const char* key) {
        std::vector<std::string> list;
        if (auto it = request.find(key); it != request.end() && it->is_array()) {
            for (const auto& s : *it) list.push_back(s.get<std::string>());
        }
        return list;
    }

    static void install(socketio::Namespace ns) {
        // A server-side event from another server: shown to this server's clients; answered.
        ns.on_server_side("ping", [ns](const json& args) {
            ns.broadcast().local().emit("server-side", "ping", args);
            return json{{"from", "cpp"}, {"args", args}};
        });
        ns.on_server_side("note", [ns](const json& args) {
            ns.broadcast().local().emit("server-side", "note", args);
            return json();
        });
        ns.on("do", [ns](socketio::Socket& s, const json& request) {
            const std::string op = request.at("op");
            const json id = request.at("id");
            auto reply = [s, id](json value) { s.emit("result", id, std::move(value)); };
            auto target = ns.to(strings(request, "rooms")).except(strings(request, "except"));
            if (op == "join") {
                s.join(request.at("room").get<std::string>());
                reply(true);
            } else if (op == "emit") {
                target.emit_args(request.at("event").get<std::string>(), request.at("args"));
                reply(true);
            } else if (op == "emitWithAcks") {
                target.timeout(std::chrono::milliseconds(request.value("timeout", 3000)))
                    .emit_args_with_acks(request.at("event").get<std::string>(),
                                         request.value("args", json::array()),
                                         [reply](socketio::BroadcastAcks acks) {
                                             json answers = json::array();
                                             for (auto& a : acks.acks) answers.push_back(a.args);
                                             reply({{"error", acks.ec ? acks.ec.message() : ""},
                                                    {"expected", acks.expected},
                                                    {"answers", answers}});
                                         });
            } else if (op == "fetchSockets") {
                target.fetch_sockets(
                    [reply](std::error_code ec, std::vector<socketio::RemoteSocket> sockets) {
                        json list = json::array();
                        for (const auto& socket : sockets) {
                            list.push_back({{"id", socket.sid()},
                                            {"rooms", socket.rooms()},
                                            {"local", socket.local()}});
                        }
                        reply({{"error", ec ? ec.message() : ""}, {"sockets", list}});
                    });
            } else if (op == "allRooms") {
                ns.fetch_rooms([reply](std::error_code ec, std::vector<std::string> rooms) {
                    reply({{"error", ec ? ec.message() : ""}, {"rooms", rooms}});
                });
            } else if (op == "socketsJoin") {
                target.sockets_join(strings(request, "join"));
                reply(true);
            } else if (op == "socketsLeave") {
                target.sockets_leave(strings(request, "leave"));
                reply(true);
            } else if (op == "disconnectSockets") {
                target.disconnect_sockets(request.value("close", false));
                reply(true);
            } else if (op == "serverSideEmit") {
                ns.server_side_emit_args(request.at("event").get<std::string>(), request.at("args"),
                                         {});
                reply(true);
            } else if (op == "serverSideEmitWithAck") {
                ns.server_side_emit_args(
                    request.at("event").get<std::string>(), request.at("args"),
                    [reply](std::error_code ec, std::vector<json> answers) {
                        reply({{"error", ec ? ec.message() : ""}, {"answers", answers}});
                    });
            } else if (op == "serverCount") {
                reply(ns.server_count());
            } else {
                reply({{"error", "unknown op " + op}});
            }
        });
    }

    IoThread io_;  // the driver's handlers; outlives the server
    socketio::DriverPtr driver_;
    std::unique_ptr<socketio::Server> io_server_;
};

}  // namespace redistest
