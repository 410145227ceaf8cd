// The upgrade from polling to WebSocket, step by step as the spec describes it.
import {
    STRICT,
    assert,
    assertError,
    openPolling,
    parseArgs,
    poll,
    post,
    QueuedSocket,
    refusedUpgradeStatus,
    report,
    runScenario,
    sleep,
    websocketUrl,
} from "./lib.mjs";

async function probe(base, sid) {
    const socket = new QueuedSocket(websocketUrl(base, `sid=${sid}`));
    await socket.opened;
    socket.send("2probe");
    assert.equal(await socket.next(), "3probe");
    return socket;
}

const scenarios = {
    // 2probe/3probe, the pending GET released with NOOP, UPGRADE, then messages on the WebSocket;
    // polling requests on the sid are refused afterwards.
    async upgrade(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = poll(base, sid);
        await sleep(50);
        const socket = await probe(base, sid);
        const released = await pending;
        assert.equal(released.status, 200);
        assert.equal(released.text, "6", "pending GET is released with NOOP");
        socket.send("5");
        socket.send("4hello");
        assert.equal(await socket.nextNonPing(), "4hello");
        socket.send(Buffer.from([9, 8, 7]));
        assert.deepEqual(await socket.nextNonPing(), Buffer.from([9, 8, 7]));
        const get = await poll(base, sid);
        assert.equal(get.status, 400, `GET after upgrade (body: ${get.text})`);
        const postAfter = await post(base, sid, "4late");
        assert.equal(postAfter.status, 400, `POST after upgrade (body: ${postAfter.text})`);
        // the session survived those refused requests
        socket.send("4after");
        assert.equal(await socket.nextNonPing(), "4after");
        report("upgraded", { sid });
        socket.close();
        await socket.waitClose();
    },
    // The GET arrives only after the probe: it gets the NOOP at once.
    async upgrade_then_poll(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const socket = await probe(base, sid);
        const get = await poll(base, sid);
        assert.equal(get.status, 200);
        assert.equal(get.text, "6");
        socket.send("5");
        socket.send("4hi");
        assert.equal(await socket.nextNonPing(), "4hi");
        socket.close();
        await socket.waitClose();
    },
    // Messages the server sends while the upgrade is in progress are not lost.
    async messages_during_upgrade(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const socket = await probe(base, sid);
        await post(base, sid, "4cmd:burst:3");
        const received = [];
        const get = await poll(base, sid);
        assert.equal(get.status, 200);
        received.push(...get.text.split("\x1e").filter((p) => p !== "6"));
        socket.send("5");
        while (received.length < 3) received.push(await socket.nextNonPing());
        assert.deepEqual(received, ["4m0", "4m1", "4m2"]);
        socket.close();
        await socket.waitClose();
    },
    // A second WebSocket with the sid of an upgraded session is refused; the first keeps working.
    async second_websocket(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const socket = await probe(base, sid);
        socket.send("5");
        await sleep(50);
        const status = await refusedUpgradeStatus(websocketUrl(base, `sid=${sid}`), {
            acceptedThenClosed: true,
        });
        assert.ok(status === 400 || status === 101, `second WebSocket: ${status}`);
        socket.send("4still");
        assert.equal(await socket.nextNonPing(), "4still");
        socket.close();
        await socket.waitClose();
    },
    // With upgrades disabled the handshake offers none and polling goes on working. Our server
    // also refuses a WebSocket for the sid; Node's engine.io and python-engineio still complete
    // such an upgrade (allow_upgrades only changes what their handshake offers).
    async upgrades_disabled(base) {
        const { sid, handshake } = await openPolling(base);
        report("open", { sid });
        assert.deepEqual(handshake.upgrades, []);
        if (STRICT) {
            // Ours refuses the WebSocket outright (documented in
            // ServerOptions::transports.allow_upgrades).
            const status = await refusedUpgradeStatus(websocketUrl(base, `sid=${sid}`));
            assert.equal(status, 400, "WebSocket upgrade when upgrades are off");
        }
        for (let i = 0; i < 3; i++) {
            assert.equal((await post(base, sid, `4poll-${i}`)).status, 200);
            assert.equal((await poll(base, sid)).text, `4poll-${i}`);
        }
    },
    // A probe that is never followed by UPGRADE: after the upgrade timeout the WebSocket is closed
    // and the session carries on over polling.
    async upgrade_timeout(base, { upgradeTimeout }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const socket = await probe(base, sid);
        const started = Date.now();
        await socket.waitClose(upgradeTimeout + 5000);
        const after = Date.now() - started;
        report("probe_closed", { after_ms: after });
        assert.ok(after >= upgradeTimeout - 100, `WebSocket closed after ${after} ms`);
        assert.equal((await post(base, sid, "4still-polling")).status, 200);
        const get = await poll(base, sid);
        assert.equal(get.status, 200);
        assert.deepEqual(get.text.split("\x1e").filter((p) => p !== "6"), ["4still-polling"]);
    },
    // After the upgrade the heartbeat runs over the WebSocket; answering keeps the session.
    async heartbeat_after_upgrade(base, { pingInterval, pingTimeout }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const socket = await probe(base, sid);
        socket.send("5");
        const started = Date.now();
        let pings = 0;
        while (Date.now() - started < 2 * (pingInterval + pingTimeout)) {
            const message = await socket.next(pingInterval + pingTimeout + 2000);
            if (message === "2") {
                pings++;
                socket.send("3");
            }
        }
        assert.ok(pings >= 2, `PINGs over the WebSocket: ${pings}`);
        socket.send("4alive");
        assert.equal(await socket.nextNonPing(), "4alive");
        socket.close();
        await socket.waitClose();
    },
    // Unknown sid on the upgrade: refused.
    async unknown_sid(base) {
        const status = await refusedUpgradeStatus(websocketUrl(base, "sid=doesnotexist"));
        assert.equal(status, 400);
        assertError(await poll(base, "doesnotexist"), 1, "GET unknown sid");
    },
};

runScenario(scenarios, parseArgs());
