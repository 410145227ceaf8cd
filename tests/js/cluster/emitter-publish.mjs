// Publishes a fixed sequence with npm's @socket.io/redis-emitter, for node_emitter_wire_test.cpp,
// which compares each message with what our format writes for the same operation.
// Usage: node cluster/emitter-publish.mjs <redis-url>

import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";

const client = createClient({ url: process.argv[2] });
await client.connect();
const emitter = new Emitter(client);

emitter.emit("hello", "world", 1, { a: true, n: null, list: [-1, 300, "é"] });
emitter.to("room1").emit("r", 2);
emitter.to(["a", "b"]).except("c").emit("multi");
emitter.of("/chat").emit("bin", Buffer.from([0, 1, 2, 255]), { nested: Buffer.from("xy") });
emitter.in("room1").socketsJoin(["x", "y"]);
emitter.except("z").socketsLeave("x");
emitter.in("x").disconnectSockets(true);
emitter.serverSideEmit("ping", 1, "two");
// python-socketio's per-sid operations, as an emitter writes them.
emitter.in("sid1").socketsJoin("room9"); // enter_room
emitter.in("sid1").socketsLeave("room9"); // leave_room
emitter.in("sid1").disconnectSockets(); // disconnect
emitter.in("room9").socketsLeave("room9"); // close_room

// Every PUBLISH above is sent before this one's answer comes back.
await client.ping();
console.log("published");
await client.quit();
