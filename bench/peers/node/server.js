// Node's socket.io (4.8, bench/peers/node/package.json) serving the bench contract
// (bench/README.md), default options:
//   namespace "/"; "echo" (args…) acks with the same arguments; "broadcast" (x) emits "bcast" (x)
//   to every client of "/", sender included, then acks with no arguments.
//
//   node server.js PORT      (prints "listening on PORT" once it accepts)
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const httpServer = createServer();
const io = new Server(httpServer);

io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("broadcast", (payload, ack) => {
    io.emit("bcast", payload); // synchronous: every client's buffer has it when this returns
    if (typeof ack === "function") ack();
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening on ${httpServer.address().port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
