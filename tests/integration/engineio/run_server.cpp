// engineio_it_run_server: a program whose main() is engineio::Server::run("127.0.0.1", 0), the
// child of run_stops_on_signal_test.cpp. Besides the URL line of the default `listening`
// (stderr), it prints "run returned" on stdout once run() has returned.
//
//   --no-handle-signals   run.handle_signals = false
#include <cstdio>
#include <string_view>

#include "engineio/server.hpp"

int main(int argc, char** argv) {
    bool handle_signals = true;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--no-handle-signals") {
            handle_signals = false;
        } else {
            std::fprintf(stderr, "unknown argument: %s\n", argv[i]);
            return 2;
        }
    }
    engineio::Server server{{.threads = 2, .run = {.handle_signals = handle_signals}}};
    server.run("127.0.0.1", 0);
    std::printf("run returned\n");
    return 0;
}
