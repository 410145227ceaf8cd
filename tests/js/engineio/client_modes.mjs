// The official engine.io-client in its three modes, exchanging text and binary both ways with the
// echo server, then closing from one side.
//   <mode> close=client|server     mode: polling | websocket | upgrade
import { Socket } from "engine.io-client";
import { assert, parseArgs, report, runScenario, sleep } from "./lib.mjs";

const transportsOf = {
    polling: ["polling"],
    websocket: ["websocket"],
    upgrade: ["polling", "websocket"],
};

// Queues every message so none is lost when several arrive in one tick (one polling payload).
function messageQueue(socket) {
    const queue = [];
    let waiter = null;
    socket.on("message", (data) => {
        if (waiter) {
            const w = waiter;
            waiter = null;
            w(data);
        } else {
            queue.push(data);
        }
    });
    return () => {
        if (queue.length) return Promise.resolve(queue.shift());
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("no message within 5 s")), 5000);
            waiter = (data) => (clearTimeout(timer), resolve(data));
        });
    };
}

async function exchange(base, mode, { close }) {
    const url = new URL(base);
    const socket = new Socket(url.origin, { path: url.pathname, transports: transportsOf[mode] });
    const next = messageQueue(socket);
    const closed = new Promise((resolve) => socket.on("close", (reason) => resolve(reason)));
    await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
    });
    if (mode === "upgrade") {
        await new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("no upgrade within 5 s")), 5000);
            socket.once("upgrade", () => (clearTimeout(timer), resolve()));
        });
    }
    const expectedTransport = mode === "polling" ? "polling" : "websocket";
    assert.equal(socket.transport.name, expectedTransport);
    report("open", { sid: socket.id, transport: socket.transport.name });

    for (const text of ["hello", "é✓ unicode", "x".repeat(5000)]) {
        socket.send(text);
        assert.equal(await next(), text);
    }
    const bytes = Uint8Array.from([0, 1, 2, 253, 254, 255]);
    socket.send(bytes);
    const echoed = await next();
    assert.ok(echoed instanceof ArrayBuffer || ArrayBuffer.isView(echoed), `binary: ${typeof echoed}`);
    const view = ArrayBuffer.isView(echoed)
        ? new Uint8Array(echoed.buffer, echoed.byteOffset, echoed.byteLength)
        : new Uint8Array(echoed);
    assert.deepEqual([...view], [...bytes]);

    // several in a row arrive in order
    for (let i = 0; i < 5; i++) socket.send(`seq${i}`);
    for (let i = 0; i < 5; i++) assert.equal(await next(), `seq${i}`);

    // (After "close" the script waits before exiting, so the CLOSE packet / WebSocket closing
    // handshake reaches the server instead of being cut off by the exit.)
    if (close === "server") {
        socket.send("cmd:close");
        const reason = await closed;
        report("closed", { reason });
        assert.equal(reason, "transport close");
    } else {
        socket.close();
        const reason = await closed;
        report("closed", { reason });
        assert.equal(reason, "forced close");
        await sleep(500);
    }
}

// Many clients at once (mixed modes), each sending `messages` messages and expecting its own echoes
// back in order: sessions spread over the server's loops must not mix or lose anything.
async function many(base, { clients = 30, messages = 20 }) {
    const url = new URL(base);
    const modes = Object.keys(transportsOf);
    await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
            const mode = modes[c % modes.length];
            const socket = new Socket(url.origin, { path: url.pathname, transports: transportsOf[mode] });
            const next = messageQueue(socket);
            await new Promise((resolve, reject) => {
                socket.once("open", resolve);
                socket.once("error", reject);
            });
            report("open", { sid: socket.id, client: c, mode });
            for (let i = 0; i < messages; i++) socket.send(`c${c}-${i}`);
            for (let i = 0; i < messages; i++) assert.equal(await next(), `c${c}-${i}`, `client ${c}`);
            socket.close();
        }),
    );
    await sleep(500);  // let the CLOSE packets / closing handshakes reach the server
}

runScenario(
    {
        many: (base, params) => many(base, params),
        polling: (base, params) => exchange(base, "polling", params),
        websocket: (base, params) => exchange(base, "websocket", params),
        upgrade: (base, params) => exchange(base, "upgrade", params),
    },
    parseArgs(),
);
