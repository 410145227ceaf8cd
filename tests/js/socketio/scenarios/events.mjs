// Events with 0, 1 and many arguments of every JSON type, binary arguments both ways (nested
// too), message/send, the catch-all and typed handlers.
import { assert, call, connect, next, parseArgs, plain, report, runScenario } from "./lib.mjs";

const MANY = [
    "str", 1.5, -3, 0, 2 ** 40, true, false, null,
    { a: { b: [1, "x", null] }, "key with space": "", "ü": "ß" },
    [1, [2, [3, []]], {}], "", "é✓ unicode 😀", "quote\" backslash\\ newline\n tab\t",
];

const scenarios = {
    async args(url, { transport }) {
        const socket = await connect(url, "/", transport);
        assert.deepEqual(await call(socket, "echo"), []);
        assert.deepEqual(await call(socket, "echo", 42), [42]);
        assert.deepEqual(await call(socket, "echo", ...MANY), MANY);
        const back = next(socket, "echo-back");
        socket.emit("echo-emit", ...MANY);
        assert.deepEqual(await back, MANY);
        const none = next(socket, "echo-back");
        socket.emit("echo-emit");
        assert.deepEqual(await none, []);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async binary(url, { transport }) {
        const socket = await connect(url, "/", transport);
        const flat = Buffer.from([0, 1, 2, 255]);
        const nested = {
            file: Buffer.from("hello"),
            meta: { name: "x", parts: [Buffer.from([1]), Buffer.alloc(0), Buffer.from([2, 3])] },
        };
        const acked = await call(socket, "echo", flat, nested, "text");
        assert.deepEqual(plain(acked), plain([flat, nested, "text"]));
        assert.ok(Buffer.isBuffer(acked[0]), "binary arrives as a Buffer");
        const back = next(socket, "echo-back");
        socket.emit("echo-emit", nested, flat);
        assert.deepEqual(plain(await back), plain([nested, flat]));
        const [buf, obj] = await call(socket, "ack-binary");
        assert.deepEqual(plain(buf), { binary: [1, 2, 3] });
        assert.deepEqual(plain(obj), { nested: { buf: { binary: [4, 5] }, list: [{ binary: [6] }] } });
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async message(url, { transport }) {
        const socket = await connect(url, "/", transport);
        let reply = next(socket, "message");
        socket.send("hi there");
        assert.deepEqual(await reply, ["hi there"]);
        reply = next(socket, "message");
        socket.send({ text: "obj", n: [1, 2] });
        assert.deepEqual(await reply, [{ text: "obj", n: [1, 2] }]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async catch_all(url, { transport }) {
        const socket = await connect(url, "/", transport);
        assert.deepEqual(await call(socket, "no-such-handler", 1, { a: 2 }), [
            "caught", "no-such-handler", 1, { a: 2 },
        ]);
        assert.deepEqual(await call(socket, "other one"), ["caught", "other one"]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async typed(url, { transport }) {
        const socket = await connect(url, "/", transport);
        assert.deepEqual(await call(socket, "sum", 2, 3), [5]);
        assert.deepEqual(await call(socket, "greet", "bob"), ["hello bob"]);
        assert.deepEqual(await call(socket, "point-sum", { x: 2, y: 40 }), [42]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
};

runScenario(scenarios, parseArgs());
