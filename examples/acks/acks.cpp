#include "acks.hpp"

#include <chrono>

using socketio::json;

void install_acks(socketio::Server& io) {
    // Client → server: the return value is the ack (several values: socketio::Ack{a, b}).
    io.on("sum", [](socketio::Socket&, double a, double b) { return a + b; });

    // Server → client: emit_with_ack takes the callback last; it runs on the socket's loop with
    // the client's ack arguments, or with error::ack_timeout after 5 s without an answer.
    io.on("ask", [](socketio::Socket& s, const std::string& question) {
        s.timeout(std::chrono::seconds(5))
            .emit_with_ack("question", question, [s](std::error_code ec, json args) {
                if (ec) {
                    s.emit("answer", json{{"error", ec.message()}});
                } else {
                    s.emit("answer", json{{"answer", args}});
                }
            });
        return "asked";  // acks the "ask" itself at once
    });
}
