// The msgpack parser: socket.io-client configured with socket.io-msgpack-parser (every packet one
// binary Engine.IO message) against a server set up with the same parser (ours:
// ServerOptions::parser = Parser::msgpack; the reference: reference-server.mjs --msgpack).
import msgpackParser from "socket.io-msgpack-parser";

import { assert, call, connect, disconnected, next, parseArgs, plain, report, runScenario } from "./lib.mjs";

// Arguments of every kind, binary among them: a Buffer (msgpack bin), nested Buffers, and a
// Uint8Array (notepack.io writes typed arrays as an ext of type 0; it comes back as a Buffer from
// our server, which writes every binary value as bin, and as an ArrayBuffer from Node's).
const MIXED = [
    "str", 1.5, -3, 2 ** 40, true, null,
    { a: { b: [1, "x", null] }, "ü": "ß" },
    Buffer.from([0, 1, 2, 255]),
    { file: Buffer.from("hello"), parts: [Buffer.alloc(0), Buffer.from([7])] },
    new Uint8Array([9, 8]),
    "é✓ 😀",
];
// `value` with every ArrayBuffer and typed array as a Buffer, then plain() (for comparisons).
function asBuffers(value) {
    const convert = (v) => {
        if (Buffer.isBuffer(v)) return v;
        if (v instanceof ArrayBuffer) return Buffer.from(v);
        if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        if (Array.isArray(v)) return v.map(convert);
        if (v && typeof v === "object") {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
        }
        return v;
    };
    return plain(convert(value));
}

// Records whether the Engine.IO messages of the connection are text or binary, both ways.
function watchFrames(socket) {
    const seen = { in: { text: 0, binary: 0 }, out: { text: 0, binary: 0 } };
    const kind = (data) => (typeof data === "string" ? "text" : "binary");
    const engine = socket.io.engine;
    engine.on("packet", (p) => p.type === "message" && seen.in[kind(p.data)]++);
    engine.on("packetCreate", (p) => p.type === "message" && seen.out[kind(p.data)]++);
    return seen;
}

const scenarios = {
    async mixed(url, { transport }) {
        const options = { parser: msgpackParser, auth: { token: "t1" } };
        const socket = await connect(url, "/", transport, options);
        const frames = watchFrames(socket);

        // CONNECT carried the auth object.
        const me = await call(socket, "whoami");
        assert.deepEqual(me[0].auth, { token: "t1" });
        assert.equal(me[0].sid, socket.id);

        // An event with an ack: the arguments come back as they went, binary inline.
        const acked = await call(socket, "echo", ...MIXED);
        assert.deepEqual(asBuffers(acked), asBuffers(MIXED));
        assert.ok(Buffer.isBuffer(acked[7]), "binary arrives as a Buffer");

        // The server's own binary ack.
        assert.deepEqual(plain(await call(socket, "ack-binary")), [
            { binary: [1, 2, 3] },
            { nested: { buf: { binary: [4, 5] }, list: [{ binary: [6] }] } },
        ]);

        // A server emit to this socket, and a broadcast to the namespace.
        const back = next(socket, "echo-back");
        socket.emit("echo-emit", ...MIXED);
        assert.deepEqual(asBuffers(await back), asBuffers(MIXED));
        const broadcast = next(socket, "room-msg");
        socket.emit("to-all", { to: "all", bytes: Buffer.from([5, 6]) });
        assert.deepEqual(plain(await broadcast), [{ to: "all", bytes: { binary: [5, 6] } }]);

        // A server emit with an ack the client answers (with binary).
        socket.on("please-ack", (payload, ack) => ack("got", payload, Buffer.from([9])));
        const result = next(socket, "ask-result");
        socket.emit("ask", "please-ack", { n: 1 });
        assert.deepEqual(plain((await result)[0]), {
            ok: true, args: ["got", { n: 1 }, { binary: [9] }],
        });

        // A second namespace on the same connection.
        const admin = socket.io.socket("/admin", { auth: { token: "t2" } });
        await new Promise((resolve, reject) => {
            admin.once("connect", resolve);
            admin.once("connect_error", reject);
        });
        const adminMe = await call(admin, "whoami");
        assert.equal(adminMe[0].nsp, "/admin");
        assert.deepEqual(adminMe[0].auth, { token: "t2" });
        assert.deepEqual(plain(await call(admin, "echo", Buffer.from([1]), "x")), [{ binary: [1] }, "x"]);

        // Every Socket.IO packet went as one binary message, both ways.
        assert.equal(frames.in.text, 0, `text messages received: ${JSON.stringify(frames)}`);
        assert.equal(frames.out.text, 0, `text messages sent: ${JSON.stringify(frames)}`);
        assert.ok(frames.in.binary >= 8 && frames.out.binary >= 8, JSON.stringify(frames));
        report("frames", frames);
        report("ok", { sid: socket.id, transport: socket.io.engine.transport.name });
        admin.disconnect();
        socket.disconnect();
    },
    // A text message is no packet in this format: the server closes the connection.
    async text_frame(url, { transport }) {
        const socket = await connect(url, "/", transport, { parser: msgpackParser });
        report("connected", { sid: socket.id });
        const gone = disconnected(socket);
        socket.io.engine.write('2["hello"]');
        report("disconnect", { reason: await gone });
    },
};

runScenario(scenarios, parseArgs());
