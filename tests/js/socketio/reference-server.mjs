// The reference for protocol-suite.mjs: Node's `socket.io` server configured exactly as the
// official Socket.IO protocol test suite expects (socketio/socket.io-protocol, README "Test
// suite"): pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, CORS origin "*",
// namespaces "/" and "/custom", and these handlers:
//
//   on connection (both namespaces)   emit("auth", <the CONNECT payload, {} when none>)
//   "/"  on "message" (...args)       emit("message-back", ...args)   (binary args included)
//   "/"  on "message-with-ack" (...args, ack)   ack(...args)
//
// Any other namespace is refused by socket.io itself with CONNECT_ERROR
// {"message":"Invalid namespace"}. Our C++ test server must set up the same (see the list in
// protocol-suite.mjs).
//
//   node socketio/reference-server.mjs [--path /socket.io/]
//
// Listens on 127.0.0.1, port 0, and prints {"event":"listening","port":N} on stdout.

import http from "node:http";
import { Server } from "socket.io";

const args = process.argv.slice(2);
const pathIndex = args.indexOf("--path");
const path = pathIndex >= 0 ? args[pathIndex + 1] : "/socket.io/";

const httpServer = http.createServer((req, res) => {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
});

const io = new Server(httpServer, {
    path,
    pingInterval: 300,
    pingTimeout: 200,
    maxHttpBufferSize: 1000000,
    cors: { origin: "*" },
    serveClient: false,
});

io.on("connection", (socket) => {
    socket.emit("auth", socket.handshake.auth);

    socket.on("message", (...args) => {
        socket.emit("message-back", ...args);
    });

    socket.on("message-with-ack", (...args) => {
        const ack = args.pop();
        ack(...args);
    });
});

io.of("/custom").on("connection", (socket) => {
    socket.emit("auth", socket.handshake.auth);
});

httpServer.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ event: "listening", port: httpServer.address().port }) + "\n");
});

for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
        io.close();
        process.exit(0);
    });
}
