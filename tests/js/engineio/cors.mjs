// CORS on the polling endpoint.
//   same_origin         default options: an Origin matching Host is allowed, a foreign Origin
//                       is refused with 403 {"code":4}, a request without Origin is allowed.
//   allow_list allowed=<origin>   only that origin; others get no CORS headers / are refused
//   any                 cors.allowed_origins {"*"}: any Origin is allowed (echoed back)
//   credentials credentials=0|1   Access-Control-Allow-Credentials present only when enabled
//   preflight allowed=<origin>    OPTIONS preflight answered with the allowed method and headers
//   error_headers allowed=<origin> an error response still carries the CORS headers
//   allowed_hosts       (our server only, with cors.allowed_hosts {"good.example",
//                       ".corp.example"}): a request whose Host is not listed gets 400 {"code":3}
//                       whatever its Origin (DNS rebinding), on polling, preflight and WebSocket
//                       alike
import {
    STRICT,
    assert,
    assertError,
    openPolling,
    parseArgs,
    pollingUrl,
    post,
    refusedUpgradeStatus,
    report,
    request,
    runScenario,
    websocketUrl,
} from "./lib.mjs";

const foreign = "http://evil.example";

function assertAllowed(response, origin, what) {
    assert.equal(response.headers["access-control-allow-origin"], origin, `${what}: ACAO`);
}

const scenarios = {
    async allowed_hosts(base) {
        const url = pollingUrl(base);
        const port = new URL(base).port;
        for (const host of [`good.example:${port}`, "GOOD.example", `a.corp.example:${port}`,
                            "corp.example"]) {
            const ok = await request(url, { headers: { host, origin: `http://${host}` } });
            report("host", { host, status: ok.status });
            assert.equal(ok.status, 200, `Host ${host} is allowed`);
        }
        // A rebinding page: its Origin matches the Host it sends, but the host is not ours.
        for (const host of [`evil.example:${port}`, `127.0.0.1:${port}`, "good.example.evil",
                            "notcorp.example"]) {
            const refused = await request(url, { headers: { host, origin: `http://${host}` } });
            report("host", { host, status: refused.status });
            assertError(refused, 3, `Host ${host}`);
        }
        const preflight = await request(url, {
            method: "OPTIONS",
            headers: { host: "evil.example", origin: "http://evil.example" },
        });
        assert.equal(preflight.status, 400, "preflight for a foreign host");
        const ws = await refusedUpgradeStatus(
            websocketUrl(base), { headers: { host: "evil.example" } });
        assert.equal(ws, 400, "WebSocket handshake for a foreign host");
    },
    async same_origin(base) {
        const own = new URL(base).origin;  // http://127.0.0.1:PORT, what Host says
        const same = await request(pollingUrl(base), { headers: { origin: own } });
        assert.equal(same.status, 200, `same-origin handshake (${same.text})`);
        const none = await request(pollingUrl(base));
        assert.equal(none.status, 200, "handshake without Origin");
        const sid = JSON.parse(none.text.slice(1)).sid;
        report("open", { sid });
        const evil = await request(pollingUrl(base), { headers: { origin: foreign } });
        if (STRICT) {
            assertError(evil, 4, "foreign Origin handshake");
            assert.equal(evil.headers["access-control-allow-origin"], undefined);
            // A request on an existing session from a foreign origin is refused too.
            const evilPost = await post(base, sid, "4from-evil", { origin: foreign });
            assertError(evilPost, 4, "foreign Origin POST");
        }
    },
    async allow_list(base, { allowed }) {
        const ok = await openPolling(base, "", { origin: allowed });
        assertAllowed(ok.response, allowed, "allowed origin");
        assert.match(String(ok.response.headers.vary ?? ""), /origin/i, "Vary: Origin");
        report("open", { sid: ok.sid });
        const evil = await request(pollingUrl(base), { headers: { origin: foreign } });
        assert.equal(evil.headers["access-control-allow-origin"], undefined, "foreign: no ACAO");
        if (STRICT) assertError(evil, 4, "foreign Origin handshake");
    },
    async any(base) {
        for (const origin of ["http://a.example", "https://b.example:8443", "null"]) {
            const { response, sid } = await openPolling(base, "", { origin });
            const acao = response.headers["access-control-allow-origin"];
            // With credentials allowed, "*" is not valid: the origin must be echoed.
            assert.equal(acao, origin, `ACAO for ${origin}`);
            report("open", { sid });
        }
    },
    async credentials(base, { credentials, allowed }) {
        const { response } = await openPolling(base, "", { origin: allowed });
        assertAllowed(response, allowed, "allowed origin");
        assert.equal(
            response.headers["access-control-allow-credentials"],
            credentials ? "true" : undefined,
            "Access-Control-Allow-Credentials",
        );
    },
    async preflight(base, { allowed }) {
        const response = await request(pollingUrl(base), {
            method: "OPTIONS",
            headers: {
                origin: allowed,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        });
        assert.ok(response.status === 200 || response.status === 204, `status ${response.status}`);
        assertAllowed(response, allowed, "preflight");
        const methods = String(response.headers["access-control-allow-methods"] ?? "");
        assert.match(methods, /\bPOST\b/, `allow-methods: ${methods}`);
        assert.match(methods, /\bGET\b/, `allow-methods: ${methods}`);
        const headers = String(response.headers["access-control-allow-headers"] ?? "");
        assert.match(headers, /content-type/i, `allow-headers: ${headers}`);
        assert.equal(response.headers["access-control-allow-credentials"], "true");
        // A preflight opens no session: the body is not an OPEN packet.
        assert.ok(!response.text.startsWith("0{"), `preflight body: ${response.text}`);
    },
    async error_headers(base, { allowed }) {
        const response = await request(`${base}?EIO=4&transport=abc`, { headers: { origin: allowed } });
        assertError(response, 0, "unknown transport");
        assertAllowed(response, allowed, "error response");
        const unknown = await request(pollingUrl(base, "sid=nope"), { headers: { origin: allowed } });
        assertError(unknown, 1, "unknown sid");
        assertAllowed(unknown, allowed, "error response");
    },
};

runScenario(scenarios, parseArgs());
