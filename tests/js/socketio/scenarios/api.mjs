// The handler API of issue 12 seen from the official client: objects keep their key order through
// the server, a middleware refuses with a message and data or stores socket data that later
// handlers read, a middleware and a connect handler may be asynchronous, and an emit the server's
// send-queue bound refuses leaves the connection usable.
import {
    assert, call, connect, connected, next, open, parseArgs, ready, report, runScenario, sleep,
} from "./lib.mjs";

const scenarios = {
    async key_order(url, { transport }) {
        const socket = await connect(url, "/", transport);
        const message = { t: 1, p: "x", z: { b: 1, a: 2 }, list: [{ y: 1, x: 2 }], "": 0 };
        const text = JSON.stringify(message);
        // Through an Args handler (echo), and through a typed json parameter emitted again.
        const [echoed] = await call(socket, "echo", message);
        assert.equal(JSON.stringify(echoed), text);
        const relayed = next(socket, "relayed");
        const [acked] = await call(socket, "relay-object", message);
        assert.equal(JSON.stringify(acked), text);
        assert.equal(JSON.stringify((await relayed)[0]), text);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async middleware(url, { transport }) {
        const refused = open(url, "/guarded", transport, { auth: { user: "eve" } });
        await assert.rejects(connected(refused), (err) => {
            assert.equal(err.message, "no key");
            assert.deepEqual(err.data, { code: 401 });
            return true;
        });
        refused.close();
        const socket = await connect(url, "/guarded", transport, { auth: { key: "k", user: "ann" } });
        assert.deepEqual(await call(socket, "guard-data"), [{ user: "ann", checks: 1 }]);
        assert.deepEqual(await call(socket, "guard-data"), [{ user: "ann", checks: 2 }]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async async_connect(url, { transport }) {
        const started = Date.now();
        const socket = open(url, "/slow", transport, { auth: { token: "good" } });
        const welcome = next(socket, "welcome");
        await ready(socket, transport);
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 150, `connected after ${elapsed} ms, before the middleware's 200 ms`);
        assert.deepEqual(await welcome, ["good"]);
        const bad = open(url, "/slow", transport, { auth: { token: "bad" } });
        await assert.rejects(connected(bad), (err) => {
            assert.equal(err.message, "bad token");
            return true;
        });
        bad.close();
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    // Ours only: Node's emit has no result. WebSocket only: the client stops reading its TCP socket.
    async backpressure(url, { size = 65536 }) {
        const socket = await connect(url, "/", "websocket");
        let received = 0;
        let last = Date.now();
        socket.on("blob", (blob) => {
            assert.equal(blob.length, size);
            received++;
            last = Date.now();
        });
        const tcp = socket.io.engine.transport.ws._socket;
        tcp.pause();
        socket.emit("flood", size);
        await sleep(1500);  // the server floods until an emit is refused
        tcp.resume();
        last = Date.now();
        while (Date.now() - last < 400) await sleep(50);  // until the backlog has arrived
        const [stats] = await call(socket, "flood-report");
        assert.equal(stats.refused, true, "an emit was refused");
        assert.equal(received, stats.queued, "every queued emit arrived");
        assert.deepEqual(await call(socket, "echo", "still here"), ["still here"]);
        report("flood", { ...stats, received });
        socket.disconnect();
    },
};

runScenario(scenarios, parseArgs(), 20000);
