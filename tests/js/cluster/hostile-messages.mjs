// Hostile and malformed messages on the Node format's channels (garbage, truncated, huge, wrong
// types, deep nesting) are skipped by our server, which keeps serving: afterwards npm's emitter
// still reaches its client and it still answers a request of its own.
// Usage: node cluster/hostile-messages.mjs <redis-url> <our-server-url>

import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";
import { encode } from "notepack.io";
import { Client, assert, eventually, main, parseArgs } from "./lib.mjs";

const { redisUrl, ourUrl } = parseArgs();

await main(async () => {
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    const a = await Client.open("a", ourUrl);
    await eventually("our server's subscriptions", async () => {
        const counts = await redis.pubSubNumSub("socket.io-request#/#");
        return counts["socket.io-request#/#"] === 1;
    });

    const deep = Buffer.alloc(200000, 0x91); // [[[[…: 200 000 levels, never closed
    const nested = [];
    let inner = nested;
    for (let i = 0; i < 1000; ++i) inner = inner[0] = []; // well-formed, 1000 deep
    const hostile = [
        Buffer.alloc(2 * 1024 * 1024, 0x90), // over max_message_bytes (1 MiB)
        deep,
        Buffer.from([0xc1]), // a type byte msgpack never uses
        Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), // an array of 4 G items, truncated
        Buffer.from([0xc6, 0x7f, 0xff, 0xff, 0xff, 1, 2]), // a 2 GB bin, truncated
        encode(nested),
        encode(5),
        encode(["uid", { type: 2, data: "not an array" }, {}]),
        encode(["uid", { type: 2, data: [42] }, {}]), // the event name is not a string
        encode(["uid", { type: 2, data: ["ev"] }, { rooms: [{}] }]),
        encode({ 1: 2 }),
        Buffer.from('{"type": 5, "requestId": 7, "opts": null}'),
        Buffer.from('{"type": "7"}'),
        Buffer.from("{not json"),
        encode({ type: 7, requestId: "x", packet: { type: 2, data: [] }, opts: { rooms: [], except: [] } }),
        encode({ type: 8, requestId: "x", clientCount: -5 }),
        Buffer.from('{"type": 6, "data": "not an array"}'),
    ];
    // The first two kinds come first: the log is rate-limited (20 lines per 10 s), so the
    // C++ test finds their lines.
    for (const payload of hostile) {
        for (const channel of ["socket.io#/#", "socket.io#/#room#", "socket.io-request#/#", "socket.io-response#/#"]) {
            await redis.publish(channel, payload);
        }
    }

    new Emitter(redis).emit("alive", "still");
    assert.deepEqual(await a.got("alive"), ["still"]);
    const found = await a.do("fetchSockets");
    assert.equal(found.error, "");
    assert.deepEqual(found.sockets.map((s) => s.id), [a.id]);
    a.close();
    await redis.quit();
});
