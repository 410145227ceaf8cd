import http from "node:http";

// HTTP long-polling: message exchange, batching, binary as "b"+base64, limits and the ways a
// polling session ends. The server runs with the default ping interval (no PING gets in the way)
// unless a scenario says otherwise.
import {
    assert,
    assertError,
    openPolling,
    parseArgs,
    poll,
    pollingUrl,
    post,
    report,
    runScenario,
    sleep,
} from "./lib.mjs";

const RS = "\x1e";

/** GETs until a non-empty payload that is not just a NOOP arrives; returns the packets. */
async function pollPackets(base, sid) {
    const response = await poll(base, sid);
    assert.equal(response.status, 200, `poll status (body: ${response.text})`);
    assert.match(String(response.headers["content-type"]), /^text\/plain; ?charset=UTF-8$/i);
    return response.text.split(RS);
}

async function postOk(base, sid, body) {
    const response = await post(base, sid, body);
    assert.equal(response.status, 200, `POST ${JSON.stringify(body)} (body: ${response.text})`);
    assert.equal(response.text, "ok");
    assert.match(String(response.headers["content-type"]), /^text\/html|^text\/plain/i);
}

const scenarios = {
    // Text and binary both ways: the echo comes back exactly; one POST may carry several packets.
    async echo(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        await postOk(base, sid, "4hello");
        assert.deepEqual(await pollPackets(base, sid), ["4hello"]);
        await postOk(base, sid, "4é✓ unicode");
        assert.deepEqual(await pollPackets(base, sid), ["4é✓ unicode"]);
        // binary [1,2,3,4] as b + base64, then a batch of text, binary and an empty message
        await postOk(base, sid, "bAQIDBA==");
        assert.deepEqual(await pollPackets(base, sid), ["bAQIDBA=="]);
        await postOk(base, sid, ["4one", "bAAEC/w==", "4", "4two"].join(RS));
        assert.deepEqual(await pollPackets(base, sid), ["4one", "bAAEC/w==", "4", "4two"]);
    },
    // Several messages sent server-side before a GET come back together, \x1e-joined, in order.
    async batching(base, { count = 5 }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        await postOk(base, sid, `4cmd:burst:${count}`);
        const expected = Array.from({ length: count }, (_, i) => `4m${i}`);
        assert.deepEqual(await pollPackets(base, sid), expected);
    },
    // Messages the application pushes (Server::send from another thread) arrive in order:
    // "4pushed-0".."4pushed-<count-1>" then binary [7,7,7] as b + base64, over as many GETs as needed.
    async await_push(base, { count = 3 }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const received = [];
        const deadline = Date.now() + 8000;
        while (received.length < count + 1 && Date.now() < deadline) {
            received.push(...(await pollPackets(base, sid)).filter((p) => p !== "2" && p !== "6"));
        }
        const expected = Array.from({ length: count }, (_, i) => `4pushed-${i}`);
        assert.deepEqual(received, [...expected, "bBwcH"]);
    },
    // Requests of a session over one keep-alive connection, as browsers send them.
    async keep_alive(base) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const ports = new Set();
        const send = (url, options = {}) =>
            new Promise((resolve, reject) => {
                const req = http.request(url, { agent, ...options }, (res) => {
                    ports.add(res.socket.localPort);
                    let body = "";
                    res.on("data", (c) => (body += c));
                    res.on("end", () => resolve({ status: res.statusCode, body, headers: res.headers }));
                });
                req.on("error", reject);
                if (options.body !== undefined) req.write(options.body);
                req.end();
            });
        const open = await send(`${base}?EIO=4&transport=polling`);
        assert.equal(open.status, 200);
        assert.notEqual(open.headers.connection, "close", "the server keeps the connection");
        const sid = JSON.parse(open.body.slice(1)).sid;
        report("open", { sid });
        const url = `${base}?EIO=4&transport=polling&sid=${sid}`;
        for (let i = 0; i < 5; i++) {
            const p = await send(url, { method: "POST", body: `4keep-${i}` });
            assert.equal(p.status, 200);
            assert.equal(p.body, "ok");
            const g = await send(url);
            assert.equal(g.status, 200);
            assert.equal(g.body, `4keep-${i}`);
        }
        assert.equal(ports.size, 1, `all requests on one connection (local ports ${[...ports]})`);
        agent.destroy();
    },
    // A pending GET is answered as soon as the server has something to send.
    async long_poll(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = poll(base, sid);
        await sleep(100);
        await postOk(base, sid, "4wake");
        const response = await pending;
        assert.equal(response.status, 200);
        assert.equal(response.text, "4wake");
    },
    // A POST body over maxPayload is refused with 413; a body exactly at the limit is accepted.
    async max_payload(base, { maxPayload }) {
        const { sid, handshake } = await openPolling(base);
        report("open", { sid });
        assert.equal(handshake.maxPayload, maxPayload);
        const atLimit = "4" + "a".repeat(maxPayload - 1);
        await postOk(base, sid, atLimit);
        assert.deepEqual(await pollPackets(base, sid), [atLimit]);
        let status;
        try {
            status = (await post(base, sid, "4" + "a".repeat(maxPayload * 2))).status;
        } catch (err) {
            // The server may close the connection after the 413 before reading the body.
            status = `connection error ${err.code}`;
        }
        assert.equal(status, 413, "oversized POST");
    },
    // Two GETs at once on one sid: the second gets 400, the session is closed (the first GET is
    // answered with a CLOSE), and the sid is unknown afterwards.
    // The client cancels its long poll (closes the connection): the session ends at once, not at
    // the next ping timeout (engine.io: "poll connection closed prematurely").
    async cancelled_poll(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = http.get(pollingUrl(base, `sid=${sid}`), { agent: false });
        pending.on("error", () => {});
        await sleep(200);  // the GET is held by now
        pending.destroy();
        const started = Date.now();
        let response;
        do {
            await sleep(20);
            response = await poll(base, sid);
        } while (response.status === 200 && Date.now() - started < 3000);
        report("after_cancel", { ms: Date.now() - started, status: response.status });
        assertError(response, 1, "GET after the cancelled poll");
    },
    async overlapping_get(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const first = poll(base, sid);
        await sleep(50);
        const second = await poll(base, sid);
        assert.equal(second.status, 400, `second GET (body: ${second.text})`);
        const firstResponse = await first;
        assert.equal(firstResponse.status, 200);
        assert.equal(firstResponse.text, "1", "first GET gets CLOSE");
        assertError(await poll(base, sid), 1, "GET after the overlap");
    },
    // Two POSTs at once on one sid: the second gets 400 and the session is closed.
    async overlapping_post(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        // A POST whose body never completes keeps the first request in flight.
        const url = new URL(pollingUrl(base, `sid=${sid}`));
        const slow = http.request(url, {
            method: "POST",
            agent: false,
            headers: { "content-type": "text/plain", "content-length": "100" },
        });
        slow.on("error", () => {});
        slow.write("4partial");
        await sleep(100);
        const second = await post(base, sid, "4second");
        assert.equal(second.status, 400, `second POST (body: ${second.text})`);
        slow.destroy();
        await sleep(50);
        assertError(await poll(base, sid), 1, "GET after the overlap");
    },
    // An invalid packet closes the session.
    async parse_error(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        try {
            const response = await post(base, sid, "abc");
            report("post_status", { status: response.status });
        } catch {
            // the server may drop the connection instead of answering
        }
        await sleep(50);
        assertError(await poll(base, sid), 1, "GET after the invalid packet");
    },
    // The client sends CLOSE: the pending GET is released with a NOOP, then the sid is gone.
    async client_close(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = poll(base, sid);
        await sleep(50);
        await postOk(base, sid, "1");
        const response = await pending;
        assert.equal(response.status, 200);
        assert.equal(response.text, "6");
        await sleep(50);
        assertError(await poll(base, sid), 1, "GET after CLOSE");
    },
    // The server closes the session (Server::close / Session::close): the client gets CLOSE.
    async server_close(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = poll(base, sid);
        await sleep(50);
        await postOk(base, sid, "4cmd:close");
        const response = await pending;
        assert.equal(response.status, 200);
        assert.equal(response.text.split(RS).at(-1), "1", `GET after close: ${response.text}`);
        await sleep(50);
        assertError(await poll(base, sid), 1, "GET after the server closed");
    },
    // The server stops: a waiting GET gets CLOSE.
    async server_stop(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const pending = poll(base, sid);
        await sleep(50);
        await postOk(base, sid, "4cmd:stop");
        const response = await pending;
        assert.equal(response.status, 200);
        assert.equal(response.text.split(RS).at(-1), "1", `GET during stop: ${response.text}`);
    },
};

runScenario(scenarios, parseArgs());
