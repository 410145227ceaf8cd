// Rooms: join/leave, emit to one room, several rooms, the whole namespace, with exceptions,
// socket.to() (the sender excluded), close_room, and rooms left on disconnect. Several clients
// check that each broadcast reaches exactly the right sockets.
import { assert, call, connect, parseArgs, recordAll, report, runScenario, sleep } from "./lib.mjs";

/** Each client's "room-msg" payloads so far. */
const roomMessages = (socket) => socket.received.filter(([e]) => e === "room-msg").map(([, p]) => p);

/**
 * Waits until every broadcast sent so far has reached its recipients: one ack round trip per
 * client (the server writes to a connection in order, so the ack comes after the broadcast).
 */
const settle = (sockets) => Promise.all(sockets.map((s) => call(s, "echo")));

/** Calls `fn` until it resolves to `expected` (deep-equal) or 2 s passed; returns the last. */
async function eventually(fn, expected) {
    let last;
    for (let i = 0; i < 40; i++) {
        last = await fn();
        if (JSON.stringify(last) === JSON.stringify(expected)) break;
        await sleep(50);
    }
    return last;
}

async function clients(url, transport, count) {
    const sockets = [];
    for (let i = 0; i < count; i++) sockets.push(recordAll(await connect(url, "/", transport)));
    return sockets;
}

const scenarios = {
    async membership(url, { transport }) {
        const [a] = await clients(url, transport, 1);
        assert.deepEqual(await call(a, "my-rooms"), [[a.id]]);
        assert.deepEqual(await call(a, "join", "r1"), [[a.id, "r1"].sort()]);
        assert.deepEqual(await call(a, "join", "r2"), [[a.id, "r1", "r2"].sort()]);
        assert.deepEqual(await call(a, "leave", "r1"), [[a.id, "r2"].sort()]);
        assert.deepEqual(await call(a, "room-members", "r2"), [[a.id]]);
        assert.deepEqual(await call(a, "room-members", "r1"), [[]]);
        report("sids", { a: a.id });
        a.disconnect();
    },
    async broadcasts(url, { transport }) {
        const [a, b, c] = await clients(url, transport, 3);
        const all = [a, b, c];
        report("sids", { a: a.id, b: b.id, c: c.id });
        await call(a, "join", "r1");
        await call(b, "join", "r1");
        await call(b, "join", "r2");
        await call(c, "join", "r2");
        await call(a, "to-rooms", ["r1"], "m1");               // a, b
        await call(a, "to-rooms", ["r1", "r2"], "m2");         // a, b (once), c
        await call(a, "to-room-from-me", "r1", "m3");          // b
        await call(c, "to-all", "m4");                         // a, b, c
        await call(c, "broadcast", "m5");                      // a, b
        await call(a, "to-rooms-except", ["r1", "r2"], ["r2"], "m6"); // a
        await call(a, "to-rooms-except", [], ["r1"], "m7");    // c
        await call(a, "to-rooms", [b.id], "m8");               // b (a sid is a room)
        await call(b, "to-room-from-me", "r2", "m9");          // c
        await settle(all);
        assert.deepEqual(roomMessages(a), ["m1", "m2", "m4", "m5", "m6"]);
        assert.deepEqual(roomMessages(b), ["m1", "m2", "m3", "m4", "m5", "m8"]);
        assert.deepEqual(roomMessages(c), ["m2", "m4", "m7", "m9"]);
        all.forEach((s) => s.disconnect());
    },
    async close_room(url, { transport }) {
        const [a, b] = await clients(url, transport, 2);
        await call(a, "join", "r");
        await call(b, "join", "r");
        assert.deepEqual(await call(a, "room-members", "r"), [[a.id, b.id].sort()]);
        await call(a, "close-room", "r");
        // Our server applies close_room on each socket's own event loop, so a socket on another
        // loop may still be listed for a moment (Node's and python's are synchronous): poll.
        assert.deepEqual(await eventually(() => call(a, "room-members", "r"), [[]]), [[]]);
        assert.deepEqual(await eventually(() => call(b, "my-rooms"), [[b.id]]), [[b.id]]);
        await call(a, "to-rooms", ["r"], "after-close");
        await settle([a, b]);
        assert.deepEqual(roomMessages(a), []);
        assert.deepEqual(roomMessages(b), []);
        report("sids", { a: a.id, b: b.id });
        [a, b].forEach((s) => s.disconnect());
    },
    // a leaves by disconnecting: it is no longer in any room.
    async cleanup(url, { transport }) {
        const [a, b] = await clients(url, transport, 2);
        await call(a, "join", "r");
        await call(b, "join", "r");
        report("sids", { a: a.id, b: b.id });
        a.disconnect();
        let members = [];
        for (let i = 0; i < 40; i++) {
            [members] = await call(b, "room-members", "r");
            if (members.length === 1) break;
            await sleep(50);
        }
        assert.deepEqual(members, [b.id]);
        await call(b, "to-rooms", ["r"], "only-b");
        await settle([b]);
        assert.deepEqual(roomMessages(b), ["only-b"]);
        b.disconnect();
        await sleep(300);  // let the DISCONNECT packet leave before the process exits
    },
};

runScenario(scenarios, parseArgs());
