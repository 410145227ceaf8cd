// socketio_it_run_server: a program whose main() is socketio::Server::run("127.0.0.1", 0), the
// child of run_stops_on_signal_test.cpp. Besides the URL line of the default `listening`
// (stderr), it prints on stdout what the test checks: "disconnect <reason>" for each socket that
// leaves, "background task ended" once sleep() said the server is stopping, and "run returned".
//
//   --no-handle-signals   engine.run.handle_signals = false
//   --ignore-sigint       SIGINT ignored before run() (as a shell starts a background job)
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>

#include "socketio/socketio.hpp"

namespace {

void print_line(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    bool handle_signals = true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--no-handle-signals") {
            handle_signals = false;
        } else if (arg == "--ignore-sigint") {
            std::signal(SIGINT, SIG_IGN);
        } else {
            std::fprintf(stderr, "unknown argument: %s\n", argv[i]);
            return 2;
        }
    }
    socketio::Server io{{.engine = {.threads = 2, .run = {.handle_signals = handle_signals}}}};
    io.on("disconnect", [](socketio::Socket&, socketio::DisconnectReason reason) {
        print_line("disconnect " + std::string(socketio::to_string(reason)));
    });
    io.start_background_task([&io] {
        while (io.sleep(std::chrono::milliseconds(20))) {
        }
        print_line("background task ended");
    });
    io.run("127.0.0.1", 0);
    print_line("run returned");
    return 0;
}
