#include "emit_from_thread.hpp"

using socketio::json;

void install_emit_from_thread(socketio::Server& io, std::chrono::milliseconds interval) {
    io.on("subscribe", [](socketio::Socket& s) { s.join("ticks"); });
    io.on("unsubscribe", [](socketio::Socket& s) { s.leave("ticks"); });

    // Emitting is safe from any thread: the broadcast is encoded once and handed to each event
    // loop, which writes it to its own sockets in the room. io.sleep() returns false as soon as
    // the server stops (stop(), Ctrl-C), which ends the task; ~Server waits for it.
    io.start_background_task([&io, interval] {
        for (long n = 1; io.sleep(interval); ++n) io.to("ticks").emit("tick", json{{"n", n}});
    });
}
