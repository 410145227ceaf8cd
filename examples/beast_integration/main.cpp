// Your own Boost.Beast HTTP server, with Socket.IO on the side: it reads every request itself,
// answers /hello, and hands requests for /socket.io/ (with their TCP connection) to
// socketio::Server::handle, which serves them — long-polling, WebSocket upgrades — on its loops.
//
//   ./beast_integration [port]     (default 5000; 0 = any free port)
//   prints "listening on port N", then serves until killed.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "socketio/socketio.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// One connection of our own server: requests until the client leaves, or until one is for
/// Socket.IO, which takes the connection over.
void serve(tcp::socket socket, socketio::Server& io) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) return;
        if (request.target().starts_with("/socket.io/")) {
            // The bytes read past this request (a pipelined request, the first WebSocket frame)
            // go along in `buffer`.
            return io.handle(std::move(socket), std::move(request), std::move(buffer));
        }
        http::response<http::string_body> response;
        response.version(request.version());
        response.keep_alive(request.keep_alive());
        response.set(http::field::content_type, "text/plain");
        if (request.target() == "/hello") {
            response.result(http::status::ok);
            response.body() = "Hello from Beast";
        } else {
            response.result(http::status::not_found);
            response.body() = "Not Found";
        }
        response.prepare_payload();
        http::write(socket, response, ec);
        if (ec || !response.keep_alive()) return;
    }
}

int main(int argc, char** argv) {
    const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 5000);

    // The Socket.IO server runs its loops (start()) but does not listen: our server accepts.
    socketio::Server io;
    io.on("echo", [](socketio::Socket&, const socketio::json& value) { return value; });
    io.start();

    net::io_context context;
    tcp::acceptor acceptor(context, {net::ip::make_address("127.0.0.1"), port});
    std::cout << "listening on port " << acceptor.local_endpoint().port() << std::endl;
    for (;;) {
        tcp::socket socket(context);
        acceptor.accept(socket);
        // A thread per connection keeps the example short; any Beast server shape works.
        std::thread(serve, std::move(socket), std::ref(io)).detach();
    }
}
