// Every Engine.IO error code, each with its HTTP status and exact JSON body
// {"code":N,"message":"..."}, plus the WebSocket refusals and non-Engine.IO paths.
import {
    STRICT,
    assert,
    assertError,
    openPolling,
    openWebSocket,
    parseArgs,
    pollingUrl,
    refusedUpgradeStatus,
    report,
    request,
    runScenario,
    websocketUrl,
} from "./lib.mjs";

const scenarios = {
    // 0: missing transport, unknown transport, a transport the server does not offer (polling
    // when it runs with transports=websocket: pass disabled=polling).
    async transport_unknown(base, params) {
        assertError(await request(`${base}?EIO=4`), 0, "no transport");
        assertError(await request(`${base}?EIO=4&transport=abc`), 0, "transport=abc");
        assertError(await request(`${base}?EIO=4&transport=`), 0, "empty transport");
        if (params.disabled) {
            assertError(await request(`${base}?EIO=4&transport=${params.disabled}`), 0, "disabled");
        }
        const ws = await refusedUpgradeStatus(`${base.replace(/^http/, "ws")}?EIO=4&transport=abc`);
        assert.equal(ws, 400, "WebSocket upgrade with transport=abc is refused with 400");
    },
    // 1: unknown sid on GET, POST and a WebSocket upgrade.
    async session_unknown(base) {
        assertError(await request(pollingUrl(base, "sid=nope")), 1, "GET unknown sid");
        assertError(
            await request(pollingUrl(base, "sid=nope"), { method: "POST", body: "4x" }),
            1,
            "POST unknown sid",
        );
        assert.equal(await refusedUpgradeStatus(websocketUrl(base, "sid=nope")), 400);
    },
    // 2: a handshake must be a GET.
    async bad_handshake_method(base) {
        for (const method of ["POST", "PUT", "DELETE"]) {
            const body = method === "DELETE" ? undefined : "4x";
            assertError(await request(pollingUrl(base), { method, body }), 2, `${method} handshake`);
        }
    },
    // 3: a websocket-transport request that is not an upgrade (with and without a sid), and a
    // polling sid used with transport=websocket over plain HTTP (transport mismatch).
    async bad_request(base) {
        assertError(
            await request(`${base}?EIO=4&transport=websocket`),
            3,
            "plain GET with transport=websocket",
        );
        const { sid } = await openPolling(base);
        report("open", { sid });
        assertError(
            await request(`${base}?EIO=4&transport=websocket&sid=${sid}`),
            3,
            "transport mismatch",
        );
        // and the other way round: a polling request on a WebSocket session
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        assertError(await request(pollingUrl(base, `sid=${handshake.sid}`)), 3, "polling on a WebSocket sid");
        socket.send("4still-open");
        assert.equal(await socket.nextNonPing(), "4still-open");
        socket.close();
        await socket.waitClose();
    },
    // 4: on_connect refuses (query refuse=1), over polling and over WebSocket.
    async forbidden(base) {
        assertError(await request(pollingUrl(base, "refuse=1")), 4, "refused polling handshake");
        const status = await refusedUpgradeStatus(websocketUrl(base, "refuse=1"));
        if (STRICT) assert.equal(status, 403, "refused WebSocket handshake");
        else assert.ok(status === 400 || status === 403, `refused WebSocket handshake: ${status}`);
    },
    // 5: EIO missing, not a number, or a version the server does not speak (3 when EIO3 is off).
    async unsupported_protocol(base) {
        for (const eio of ["", "EIO=3&", "EIO=abc&", "EIO=5&"]) {
            assertError(
                await request(`${base}?${eio}transport=polling`),
                5,
                `handshake with "${eio}"`,
            );
        }
        // The reference accepts the upgrade and closes it at once; refusing it is as good.
        const ws = await refusedUpgradeStatus(
            `${base.replace(/^http/, "ws")}?EIO=3&transport=websocket`,
            { acceptedThenClosed: true },
        );
        assert.ok(ws === 400 || ws === 101, `WebSocket with EIO=3 opens no session (${ws})`);
    },
    // Paths outside the Engine.IO path are not ours: 404.
    async not_found(base) {
        const root = new URL(base);
        for (const path of ["/", "/other", "/engine.io.x/", "/favicon.ico"]) {
            const response = await request(`${root.origin}${path}`);
            assert.equal(response.status, 404, `GET ${path}`);
        }
    },
};

runScenario(scenarios, parseArgs());
