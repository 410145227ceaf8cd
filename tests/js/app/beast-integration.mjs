// Drives examples/beast_integration (tests/integration/app/beast_integration_test.cpp): its own
// Beast server answers /hello and hands /socket.io/ to socketio::Server::handle. Usage:
//   node app/beast-integration.mjs <url>
// Connects with polling, waits for the upgrade to WebSocket, checks an acknowledged echo on both
// sides of the upgrade, and fetches /hello. Exits non-zero with the failure on stderr.
import assert from "node:assert/strict";
import { io } from "socket.io-client";

const [url] = process.argv.slice(2);
setTimeout(() => {
    console.error("timed out");
    process.exit(3);
}, 15000);

const hello = await fetch(`${url}/hello`);
assert.equal(hello.status, 200);
assert.equal(await hello.text(), "Hello from Beast");

const socket = io(url, {
    transports: ["polling", "websocket"],
    reconnection: false,
    autoConnect: false,
});
let opened = "";
const upgraded = new Promise((resolve) =>
    socket.io.on("open", () => {
        opened = socket.io.engine.transport.name;
        socket.io.engine.once("upgrade", resolve);
    }),
);
socket.connect();
await new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
});
assert.equal(opened, "polling");
assert.deepEqual(await socket.emitWithAck("echo", { n: 1 }), { n: 1 });
await upgraded;
assert.equal(socket.io.engine.transport.name, "websocket");
assert.deepEqual(await socket.emitWithAck("echo", "after upgrade"), "after upgrade");
console.log(JSON.stringify({ event: "done", transport: socket.io.engine.transport.name }));
socket.close();
process.exit(0);
