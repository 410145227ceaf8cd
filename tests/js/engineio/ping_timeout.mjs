// A client that stops answering PINGs is dropped within pingInterval + pingTimeout.
//   websocket_silent pingInterval= pingTimeout=   never answers; reports when the socket closed
//   polling_silent   pingInterval= pingTimeout=   never polls; after the deadline the sid is gone
import {
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

const SLACK_MS = 3000;  // generous: a loaded 2-core CI box

const scenarios = {
    async websocket_silent(base, { pingInterval, pingTimeout }) {
        // Measured from before the connection starts, so a late OPEN cannot make it look early.
        const opened = Date.now();
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        const pings = [];
        socket.ws.on("message", (data) => pings.push(data.toString()));
        const closed = await socket.waitClose(pingInterval + pingTimeout + SLACK_MS);
        const after = Date.now() - opened;
        report("closed", { after_ms: after, code: closed.code });
        assert.ok(pings.includes("2"), `the server sent PING before giving up: ${JSON.stringify(pings)}`);
        assert.ok(after >= pingInterval + pingTimeout - 50, `closed too early: ${after} ms`);
    },
    async polling_silent(base, { pingInterval, pingTimeout }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        await sleep(pingInterval + pingTimeout + SLACK_MS / 2);
        assertError(await poll(base, sid), 1, "GET after the ping timeout");
    },
    // The PING sent over polling is answered in time: the session lives on.
    async polling_answering(base, { pingInterval, pingTimeout, rounds = 3 }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        for (let i = 0; i < rounds; i++) {
            const get = await poll(base, sid);
            assert.equal(get.status, 200);
            assert.equal(get.text, "2", `PING #${i}`);
            const pong = await post(base, sid, "3");
            assert.equal(pong.status, 200);
        }
    },
};

runScenario(scenarios, parseArgs());
