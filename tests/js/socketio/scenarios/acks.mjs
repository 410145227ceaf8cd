// Acknowledgements both ways: a handler's return value acks the client (none, one, several,
// binary); the server's emit with ack reaches the client's callback and comes back; the server's
// ack timeout; the awaitable form from a coroutine handler.
import { assert, call, connect, next, parseArgs, plain, report, runScenario } from "./lib.mjs";

// The client's ack carries a binary argument unless textOnly (then it is the number 9).
function answerAcks(socket, textOnly = false) {
    socket.on("please-ack", (payload, ack) => ack("got", payload, textOnly ? 9 : Buffer.from([9])));
}

const scenarios = {
    async client_acks(url, { transport }) {
        const socket = await connect(url, "/", transport);
        assert.deepEqual(await call(socket, "ack-none"), []);
        assert.deepEqual(await call(socket, "ack-one"), ["one"]);
        assert.deepEqual(await call(socket, "ack-tuple"), [7, "seven"]);
        assert.deepEqual(await call(socket, "ack-many"), [1, "two", { three: 3 }, [4], null, true]);
        const binary = await call(socket, "ack-binary");
        assert.ok(Buffer.isBuffer(binary[0]));
        assert.deepEqual(plain(binary), [
            { binary: [1, 2, 3] },
            { nested: { buf: { binary: [4, 5] }, list: [{ binary: [6] }] } },
        ]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async server_acks(url, { transport }) {
        const socket = await connect(url, "/", transport);
        answerAcks(socket);
        const result = next(socket, "ask-result");
        socket.emit("ask", "please-ack", { n: 1 });
        const [outcome] = await result;
        assert.deepEqual(plain(outcome), { ok: true, args: ["got", { n: 1 }, { binary: [9] }] });
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async server_ack_timeout(url, { transport }) {
        const socket = await connect(url, "/", transport);
        let asked = 0;
        socket.on("never-ack", () => asked++);  // takes no ack callback: never answers
        const started = Date.now();
        const result = next(socket, "ask-result");
        socket.emit("ask-timeout", "never-ack", 300);
        const [outcome] = await result;
        const elapsed = Date.now() - started;
        assert.deepEqual(outcome, { ok: false, error: "timeout" });
        assert.equal(asked, 1);
        assert.ok(elapsed >= 250, `timed out after ${elapsed} ms`);
        // The connection survives.
        assert.deepEqual(await call(socket, "echo", "alive"), ["alive"]);
        report("ok", { sid: socket.id, elapsed_ms: elapsed });
        socket.disconnect();
    },
    async coroutine_ack(url, { transport, textOnly = 0 }) {
        const socket = await connect(url, "/", transport);
        answerAcks(socket, textOnly === 1);
        const [outcome] = await call(socket, "ask-co", "please-ack", { n: 2 });
        const third = textOnly === 1 ? 9 : { binary: [9] };
        assert.deepEqual(plain(outcome), { ok: true, args: ["got", { n: 2 }, third] });
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
};

runScenario(scenarios, parseArgs());
