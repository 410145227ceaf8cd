// A port of the official Engine.IO v4 protocol test suite (socketio/engine.io-protocol,
// test-suite/test-suite.js) to Node without mocha/chai. The server must run as that suite assumes:
// path /engine.io/, pingInterval 300, pingTimeout 200, maxPayload 1000000, an echo handler.
//
//   node engineio/official_suite.mjs <base-url> all [only=<substring of a case name>]
//
// Reports {"event":"case","name":...,"ok":true|false,"error":...} per case; exits 1 if any failed.
import { assert, parseArgs, QueuedSocket, report, request, sleep } from "./lib.mjs";

const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;
const { base, params } = parseArgs();
const URL_ = base.replace(/\/$/, "");  // .../engine.io
const WS = URL_.replace(/^http/, "ws");

const get = (path) => request(`${URL_}${path}`);
const postTo = (path, body) => request(`${URL_}${path}`, { method: "POST", body });

async function initLongPollingSession() {
    const response = await get("/?EIO=4&transport=polling");
    return JSON.parse(response.text.substring(1)).sid;
}

function ws(path) {
    const socket = new QueuedSocket(`${WS}${path}`);
    socket.opened.catch(() => {});
    return socket;
}

function checkOpen(value, upgrades) {
    assert.deepEqual(Object.keys(value).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
    assert.equal(typeof value.sid, "string");
    assert.deepEqual(value.upgrades, upgrades);
    assert.equal(value.pingInterval, PING_INTERVAL);
    assert.equal(value.pingTimeout, PING_TIMEOUT);
    assert.equal(value.maxPayload, 1000000);
}

const cases = {
    "handshake/polling: successfully opens a session": async () => {
        const response = await get("/?EIO=4&transport=polling");
        assert.equal(response.status, 200);
        assert.ok(response.text.startsWith("0"));
        checkOpen(JSON.parse(response.text.substring(1)), ["websocket"]);
    },
    "handshake/polling: fails with an invalid 'EIO' query parameter": async () => {
        assert.equal((await get("/?transport=polling")).status, 400);
        assert.equal((await get("/?EIO=abc&transport=polling")).status, 400);
    },
    "handshake/polling: fails with an invalid 'transport' query parameter": async () => {
        assert.equal((await get("/?EIO=4")).status, 400);
        assert.equal((await get("/?EIO=4&transport=abc")).status, 400);
    },
    "handshake/polling: fails with an invalid request method": async () => {
        assert.equal((await postTo("/?EIO=4&transport=polling")).status, 400);
        const put = await request(`${URL_}/?EIO=4&transport=polling`, { method: "PUT" });
        assert.equal(put.status, 400);
    },
    "handshake/websocket: successfully opens a session": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        const data = await socket.next();
        assert.ok(data.startsWith("0"));
        checkOpen(JSON.parse(data.substring(1)), []);
        socket.close();
    },
    "handshake/websocket: fails with an invalid 'EIO' query parameter": async () => {
        await ws("/?transport=websocket").waitClose();
        await ws("/?EIO=abc&transport=websocket").waitClose();
    },
    "handshake/websocket: fails with an invalid 'transport' query parameter": async () => {
        await ws("/?EIO=4").waitClose();
        await ws("/?EIO=4&transport=abc").waitClose();
    },
    "message/polling: one plain text packet": async () => {
        const sid = await initLongPollingSession();
        const push = await postTo(`/?EIO=4&transport=polling&sid=${sid}`, "4hello");
        assert.equal(push.status, 200);
        assert.equal(push.text, "ok");
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "4hello");
    },
    "message/polling: several plain text packets": async () => {
        const sid = await initLongPollingSession();
        const push = await postTo(`/?EIO=4&transport=polling&sid=${sid}`, "4test1\x1e4test2\x1e4test3");
        assert.equal(push.status, 200);
        assert.equal(push.text, "ok");
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "4test1\x1e4test2\x1e4test3");
    },
    "message/polling: plain text and binary packets": async () => {
        const sid = await initLongPollingSession();
        const push = await postTo(`/?EIO=4&transport=polling&sid=${sid}`, "4hello\x1ebAQIDBA==");
        assert.equal(push.status, 200);
        assert.equal(push.text, "ok");
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "4hello\x1ebAQIDBA==");
    },
    "message/polling: closes the session upon invalid packet format": async () => {
        const sid = await initLongPollingSession();
        try {
            const push = await postTo(`/?EIO=4&transport=polling&sid=${sid}`, "abc");
            report("note", { case: "invalid packet", post_status: push.status });
        } catch {
            // the request may be closed abnormally
        }
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 400);
    },
    "message/polling: closes the session upon duplicate poll requests": async () => {
        const sid = await initLongPollingSession();
        const responses = await Promise.all([
            get(`/?EIO=4&transport=polling&sid=${sid}`),
            sleep(5).then(() => get(`/?EIO=4&transport=polling&sid=${sid}&t=burst`)),
        ]);
        assert.equal(responses[0].status, 200);
        assert.equal(responses[0].text, "1");
        // the Node.js implementation uses 400 since v6 (500 before); the suite accepts 400
        assert.equal(responses[1].status, 400);
        assert.equal((await get(`/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
    },
    "message/polling: closes the session upon cancelled polling request": async () => {
        const sid = await initLongPollingSession();
        const controller = new AbortController();
        fetch(`${URL_}/?EIO=4&transport=polling&sid=${sid}`, { signal: controller.signal }).catch(() => {});
        await sleep(50);  // the suite's 5 ms may abort before the request reached the server
        controller.abort();
        await sleep(50);
        assert.equal((await get(`/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
    },
    "message/websocket: plain text packet": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.opened;
        await socket.next();  // handshake
        socket.send("4hello");
        assert.equal(await socket.next(), "4hello");
        socket.close();
    },
    "message/websocket: binary packet": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.next();  // handshake
        socket.send(Uint8Array.from([1, 2, 3, 4]));
        assert.deepEqual(await socket.next(), Buffer.from([1, 2, 3, 4]));
        socket.close();
    },
    "message/websocket: closes the session upon invalid packet format": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.next();  // handshake
        socket.send("abc");
        await socket.waitClose();
    },
    "heartbeat/polling: sends ping/pong packets": async () => {
        const sid = await initLongPollingSession();
        for (let i = 0; i < 3; i++) {
            const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
            assert.equal(poll.status, 200);
            assert.equal(poll.text, "2");
            const push = await postTo(`/?EIO=4&transport=polling&sid=${sid}`, "3");
            assert.equal(push.status, 200);
        }
    },
    "heartbeat/polling: closes the session upon ping timeout": async () => {
        const sid = await initLongPollingSession();
        // the official suite waits interval + timeout + 10 ms; a little slack for a loaded box
        await sleep(PING_INTERVAL + PING_TIMEOUT + 300);
        assert.equal((await get(`/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
    },
    "heartbeat/websocket: sends ping/pong packets": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.next();  // handshake
        for (let i = 0; i < 3; i++) {
            assert.equal(await socket.next(), "2");
            socket.send("3");
        }
        socket.close();
    },
    "heartbeat/websocket: closes the session upon ping timeout": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.waitClose();
    },
    "close/polling: forcefully closes the session": async () => {
        const sid = await initLongPollingSession();
        // The suite fires both at once; on separate connections the POST can overtake the GET
        // (then the GET rightly gets 400), so the POST leaves 50 ms after the GET.
        const [poll] = await Promise.all([
            get(`/?EIO=4&transport=polling&sid=${sid}`),
            sleep(50).then(() => postTo(`/?EIO=4&transport=polling&sid=${sid}`, "1")),
        ]);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "6");
        assert.equal((await get(`/?EIO=4&transport=polling&sid=${sid}`)).status, 400);
    },
    "close/websocket: forcefully closes the session": async () => {
        const socket = ws("/?EIO=4&transport=websocket");
        await socket.next();  // handshake
        socket.send("1");
        await socket.waitClose();
    },
    "upgrade: successfully upgrades from HTTP long-polling to WebSocket": async () => {
        const sid = await initLongPollingSession();
        const socket = ws(`/?EIO=4&transport=websocket&sid=${sid}`);
        await socket.opened;
        socket.send("2probe");
        assert.equal(await socket.next(), "3probe");
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "6");
        socket.send("5");
        socket.send("4hello");
        assert.equal(await socket.next(), "4hello");
        socket.close();
    },
    "upgrade: ignores HTTP requests with same sid after upgrade": async () => {
        const sid = await initLongPollingSession();
        const socket = ws(`/?EIO=4&transport=websocket&sid=${sid}`);
        await socket.opened;
        socket.send("2probe");
        assert.equal(await socket.next(), "3probe");
        socket.send("5");
        const poll = await get(`/?EIO=4&transport=polling&sid=${sid}`);
        assert.equal(poll.status, 400);
        socket.send("4hello");
        assert.equal(await socket.next(), "4hello");
        socket.close();
    },
    "upgrade: ignores WebSocket connection with same sid after upgrade": async () => {
        const sid = await initLongPollingSession();
        const socket = ws(`/?EIO=4&transport=websocket&sid=${sid}`);
        await socket.opened;
        socket.send("2probe");
        assert.equal(await socket.next(), "3probe");
        socket.send("5");
        const socket2 = ws(`/?EIO=4&transport=websocket&sid=${sid}`);
        await socket2.waitClose();
        socket.send("4hello");
        assert.equal(await socket.next(), "4hello");
        socket.close();
    },
};

let failed = 0;
for (const [name, fn] of Object.entries(cases)) {
    if (params.only && !name.includes(params.only)) continue;
    const started = Date.now();
    let error = null;
    try {
        await Promise.race([
            fn(),
            sleep(5000).then(() => {
                throw new Error("case did not finish within 5 s");
            }),
        ]);
    } catch (err) {
        error = String(err && err.message ? err.message : err);
        failed++;
    }
    report("case", { name, ok: error === null, ms: Date.now() - started, ...(error ? { error } : {}) });
}
process.exit(failed === 0 ? 0 : 1);
