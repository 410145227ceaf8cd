// What options.hpp declares besides the options themselves. A file of its own: every program that
// makes a ServerOptions refers to print_listening_url, and one without a network (the Socket.IO
// unit tests' detached servers) must not link the server for it.
#include "engineio/options.hpp"

#include <cstdio>

namespace engineio {

void print_listening_url(std::string_view url) {
    // One write, so the line is whole even when other threads log to stderr meanwhile.
    std::string line = "socketio-cpp listening on ";
    line += url;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace engineio
