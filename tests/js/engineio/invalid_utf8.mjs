// Engine.IO text packets must be UTF-8 on both transports. Each scenario opens one session per bad
// input, since refusing one closes its session.
//   polling    POST bodies whose text packet is not UTF-8: 400 {"code":3} and the session is
//              gone; a valid four-byte character is echoed exactly.
//   websocket  the same bytes in a text frame: the connection closes with 1007.
// Stricter than the reference: Node's engine.io decodes a POST body with U+FFFD for invalid
// sequences and delivers the message; with SIO_STRICT=0 the script checks that instead.
import {
    STRICT,
    assert,
    assertError,
    openPolling,
    openWebSocket,
    parseArgs,
    poll,
    post,
    report,
    runScenario,
    sleep,
} from "./lib.mjs";

const bad = {
    overlong: Buffer.from([0x34, 0xc0, 0xaf]), // "4" + '/' in two bytes
    surrogate: Buffer.from([0x34, 0xed, 0xa0, 0x80]), // "4" + U+D800
    truncated: Buffer.from([0x34, 0x63, 0x61, 0x66, 0xc3]), // "4caf" + half of "é"
    latin1: Buffer.from([0x34, 0xe9, 0x74, 0xe9]), // "4été" in ISO-8859-1
    above_max: Buffer.from([0x34, 0xf4, 0x90, 0x80, 0x80]), // "4" + U+110000
};
// The bad packet second in a payload: the whole payload is refused.
const badSecondInPayload = Buffer.concat([Buffer.from("4ok\x1e"), bad.latin1]);
const emoji = "4\u{1F600} ok"; // a four-byte sequence

const scenarios = {
    async polling(base) {
        const inputs = { ...bad, second_in_payload: badSecondInPayload };
        for (const [name, body] of Object.entries(inputs)) {
            const { sid } = await openPolling(base);
            report("open", { sid, input: name });
            const response = await post(base, sid, body);
            report("post", { input: name, status: response.status });
            if (STRICT) {
                assertError(response, 3, `POST ${name}`);
                await sleep(20);
                assertError(await poll(base, sid), 1, `GET after the ${name} POST`);
            } else {
                assert.equal(response.status, 200, `reference: POST ${name}`);
                const echoed = await poll(base, sid);
                assert.ok(echoed.text.includes("\uFFFD"), `reference echoes U+FFFD: ${echoed.text}`);
            }
        }
        const { sid } = await openPolling(base);
        report("open", { sid, input: "emoji" });
        const response = await post(base, sid, emoji);
        assert.equal(response.status, 200, `POST emoji (body: ${response.text})`);
        const echoed = await poll(base, sid);
        assert.equal(echoed.status, 200);
        assert.equal(echoed.text, emoji);
    },
    async websocket(base) {
        for (const [name, bytes] of Object.entries(bad)) {
            const { socket, handshake } = await openWebSocket(base);
            report("open", { sid: handshake.sid, input: name });
            socket.ws.send(bytes, { binary: false });
            const closed = await socket.waitClose();
            report("closed", { input: name, code: closed.code });
            assert.equal(closed.code, 1007, `${name}: close code invalid frame payload data`);
        }
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid, input: "emoji" });
        socket.send(emoji);
        assert.equal(await socket.nextNonPing(), emoji);
        socket.close();
        await socket.waitClose();
    },
};

runScenario(scenarios, parseArgs());
