// The consumers' program: prints the version (header and library), starts a socketio::Server
// with a socketio::App on a free port, gets an App route's answer over HTTP, makes a round trip
// with socketio::testing::TestClient, stops, and runs the consumer's own Asio code (own_asio.cpp:
// header-only Asio in the consumer's translation unit; no_own_asio.cpp: none). Exits 0 when all
// of it worked.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "socketio/app.hpp"
#include "socketio/socketio.hpp"
#include "socketio/test_client.hpp"

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

namespace {

// One HTTP/1.0 GET with plain POSIX sockets (no Asio here: no_own_asio.cpp's program has none of
// its own); the whole response, or empty.
std::string http_get(unsigned short port, const char* target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return {};
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string request =
            std::string("GET ") + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
            char buffer[4096];
            for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
                response.append(buffer, n);
        }
    }
    ::close(fd);
    return response;
}

}  // namespace

int main() {
    std::printf("socketio-cpp headers %s, library %s\n", SOCKETIO_CPP_VERSION_STRING,
                socketio::version());
    if (std::strcmp(SOCKETIO_CPP_VERSION_STRING, socketio::version()) != 0) return 1;

    socketio::Server io;
    io.on("ping", [](socketio::Socket&, const socketio::json& j) { return j; });
    socketio::App app{io};
    app.get("/hello/{name}", [](socketio::Request& req) {
        return socketio::Response(200, "hello " + std::string(req.param("name")));
    });
    io.listen("127.0.0.1", 0);
    io.start();
    std::printf("listening on port %u\n", static_cast<unsigned>(io.port()));
    if (io.port() == 0) return 1;
    const std::string response = http_get(io.port(), "/hello/consumer");
    io.stop();
    std::printf("App route: %s\n", response.substr(0, response.find('\r')).c_str());
    // "HTTP/1.x 200 …", then the body.
    if (response.size() < 12 || response.compare(8, 4, " 200") != 0 ||
        !response.ends_with("\r\n\r\nhello consumer")) {
        return 1;
    }

    // The test client on a server that is never started: the handler's ack comes back.
    socketio::Server tested;
    tested.on("ping", [](socketio::Socket&, const socketio::json& j) { return j; });
    socketio::testing::TestClient client{tested};
    if (!client.connect()) return 1;
    const auto ack = client.emit_with_ack("ping", socketio::json{{"n", 1}});
    std::printf("TestClient ack: %s\n", ack.args.dump().c_str());
    if (ack.ec || ack.args != socketio::json::array({socketio::json{{"n", 1}}})) return 1;

    const char* asio = use_own_asio();
    std::printf("own Asio: %s\n", asio);
    return std::strcmp(asio, "ok") == 0 || std::strcmp(asio, "none") == 0 ? 0 : 1;
}
