// A client that stops answering PINGs is dropped within pingInterval + pingTimeout.
//   websocket_silent pingInterval= pingTimeout=   never answers; reports when the socket closed
//   polling_silent   pingInterval= pingTimeout=   never polls; after the deadline the sid is gone
//   websocket_mixed  pingInterval= pingTimeout= count= rounds=
//                    `count` WebSockets opened a few ms apart (their deadlines interleave);
//                    even ones answer `rounds` PINGs and stay open, odd ones never answer and
//                    are closed; reports {sid, answering} per socket
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
    async websocket_mixed(base, { pingInterval, pingTimeout, count = 6, rounds = 3 }) {
        const opened = Date.now();
        const sockets = [];
        for (let i = 0; i < count; i++) {
            const { socket, handshake } = await openWebSocket(base);
            const answering = i % 2 === 0;
            report("open", { sid: handshake.sid, answering });
            sockets.push({ socket, answering });
            await sleep(15);
        }
        await Promise.all(
            sockets.map(async ({ socket, answering }) => {
                if (answering) {
                    for (let i = 0; i < rounds; i++) {
                        const ping = await socket.next(pingInterval + SLACK_MS);
                        assert.equal(ping, "2", `PING #${i}`);
                        socket.send("3");
                    }
                    assert.equal(socket.closed, null, "an answering socket stays open");
                } else {
                    const pings = [];
                    socket.ws.on("message", (data) => pings.push(data.toString()));
                    await socket.waitClose(rounds * pingInterval + pingTimeout + SLACK_MS);
                    const after = Date.now() - opened;
                    assert.ok(after >= pingInterval + pingTimeout - 50, `closed too early: ${after} ms`);
                }
            }),
        );
        for (const { socket, answering } of sockets) if (answering) socket.close();
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
