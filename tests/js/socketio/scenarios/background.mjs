// Emits from a thread that is not a handler reach clients, in order.
import { assert, connect, open, parseArgs, ready, report, runScenario, withTimeout } from "./lib.mjs";

function collect(socket, event, doneEvent) {
    const values = [];
    socket.on(event, (v) => values.push(v));
    return withTimeout(
        new Promise((resolve) => socket.once(doneEvent, (n) => resolve({ values, n }))),
        6000,
        doneEvent,
    );
}

const scenarios = {
    // "burst" n: the server emits seq 0..n-1 then seq-done from a background task.
    async burst(url, { transport, count = 200 }) {
        const socket = await connect(url, "/", transport);
        const got = collect(socket, "seq", "seq-done");
        socket.emit("burst", count);
        const { values, n } = await got;
        assert.equal(n, count);
        assert.deepEqual(values, [...Array(count).keys()]);
        report("ok", { sid: socket.id, count });
        socket.disconnect();
    },
    // The test's own thread emits "tick" 0..n-1 then "tick-done" to "/" once two clients are in.
    async ticks(url, { transport, count = 100 }) {
        // Listeners go on before CONNECT: the ticks may come in the same payload as CONNECT.
        const a = open(url, "/", transport);
        const gotA = collect(a, "tick", "tick-done");
        await ready(a, transport);
        const b = open(url, "/", transport);
        const gotB = collect(b, "tick", "tick-done");
        await ready(b, transport);
        for (const { values, n } of await Promise.all([gotA, gotB])) {
            assert.equal(n, count);
            assert.deepEqual(values, [...Array(count).keys()]);
        }
        report("ok", { a: a.id, b: b.id });
        a.disconnect();
        b.disconnect();
    },
};

runScenario(scenarios, parseArgs());
