// The consumers' program: prints the version (header and library), starts a socketio::Server on a
// free port, stops it, and runs the consumer's own Asio code (own_asio.cpp: header-only Asio in the
// consumer's translation unit; no_own_asio.cpp: none). Exits 0 when all of it worked.

#include <cstdio>
#include <cstring>

#include "socketio/socketio.hpp"

// What the library's targets must not pass on: its build-only Asio macro and src/ on the include
// path (where engineio/internal.hpp lives).
#ifdef BOOST_ASIO_SEPARATE_COMPILATION
#error "socketio-cpp passed BOOST_ASIO_SEPARATE_COMPILATION on to its consumer"
#endif
#if __has_include("engineio/internal.hpp")
#error "socketio-cpp put its src/ on the consumer's include path"
#endif

// "ok", or what went wrong, from the consumer's own Asio code.
const char* use_own_asio();

int main() {
    std::printf("socketio-cpp headers %s, library %s\n", SOCKETIO_CPP_VERSION_STRING,
                socketio::version());
    if (std::strcmp(SOCKETIO_CPP_VERSION_STRING, socketio::version()) != 0) return 1;

    socketio::Server io;
    io.on("ping", [](socketio::Socket&, const socketio::json& j) { return j; });
    io.listen("127.0.0.1", 0);
    io.start();
    std::printf("listening on port %u\n", static_cast<unsigned>(io.port()));
    if (io.port() == 0) return 1;
    io.stop();

    const char* asio = use_own_asio();
    std::printf("own Asio: %s\n", asio);
    return std::strcmp(asio, "ok") == 0 || std::strcmp(asio, "none") == 0 ? 0 : 1;
}
