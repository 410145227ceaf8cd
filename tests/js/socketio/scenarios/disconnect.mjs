// Every way a socket leaves: the server disconnects it, the client disconnects, the transport
// closes; and raw Engine.IO clients that never send CONNECT (connect timeout) or send an invalid
// Socket.IO packet.
import {
    WebSocket, assert, call, connect, disconnected, parseArgs, report, runScenario, sleep,
} from "./lib.mjs";

/** A raw WebSocket (no socket.io-client) that queues text frames and answers pings. */
function rawWebSocket(url) {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
    const queue = [];
    let waiter = null;
    ws.on("message", (data) => {
        const text = data.toString();
        if (text === "2") return ws.send("3");
        if (waiter) {
            const w = waiter;
            waiter = null;
            w(text);
        } else queue.push(text);
    });
    const closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
    ws.on("error", () => {});
    return {
        ws,
        closed,
        opened: new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject))),
        next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => (waiter = r))),
    };
}

/** A raw WebSocket connected to "/" (CONNECT answered); reports "open" and "connected". */
async function rawConnected(url) {
    const raw = rawWebSocket(url);
    await raw.opened;
    const open = await raw.next();
    report("open", { sid: JSON.parse(open.slice(1)).sid });
    raw.ws.send("40");
    const connectReply = await raw.next();
    assert.match(connectReply, /^40\{"sid":"[^"]+"\}$/);
    report("connected", { sid: JSON.parse(connectReply.slice(2)).sid });
    return raw;
}

/** Resolves with the close code once the server closed `raw`; fails after `ms`. */
async function closedWithin(raw, ms) {
    const code = await Promise.race([raw.closed, sleep(ms).then(() => "still open")]);
    assert.notEqual(code, "still open", "the server closed the connection");
    return code;
}

const scenarios = {
    async server_disconnect(url, { transport }) {
        const socket = await connect(url, "/", transport);
        report("connected", { sid: socket.id });
        const reason = disconnected(socket);
        socket.emit("disconnect-me");
        assert.equal(await reason, "io server disconnect");
        report("disconnect", { reason: "io server disconnect" });
    },
    async server_close(url, { transport }) {
        const socket = await connect(url, "/", transport);
        report("connected", { sid: socket.id });
        const reason = disconnected(socket);
        const started = Date.now();
        socket.emit("close-me");
        assert.equal(await reason, "io server disconnect");
        report("disconnect", { reason: "io server disconnect", elapsed_ms: Date.now() - started });
    },
    async client_disconnect(url, { transport }) {
        const socket = await connect(url, "/", transport);
        report("connected", { sid: socket.id });
        await call(socket, "echo");
        socket.disconnect();
        await sleep(300);  // let the DISCONNECT packet leave before the process exits
    },
    // The TCP connection drops (WebSocket only: a polling client is noticed at the ping timeout).
    async transport_close(url, { transport }) {
        assert.equal(transport, "websocket");
        const socket = await connect(url, "/", transport);
        report("connected", { sid: socket.id });
        const reason = disconnected(socket);
        socket.io.engine.transport.ws.terminate();
        assert.equal(await reason, "transport close");
        await sleep(200);
    },
    // A raw polling session that never sends CONNECT is closed after the connect timeout.
    async connect_timeout_polling(url, { connectTimeout }) {
        const base = `${url}/socket.io/?EIO=4&transport=polling`;
        const started = Date.now();
        const open = await fetch(base);
        assert.equal(open.status, 200);
        const { sid } = JSON.parse((await open.text()).slice(1));
        report("open", { sid });
        let closedBy = null;
        for (let i = 0; i < 50 && !closedBy; i++) {
            const res = await fetch(`${base}&sid=${sid}`);
            const body = await res.text();
            if (res.status !== 200) closedBy = `status ${res.status}`;
            else if (body.split("\x1e").includes("1")) closedBy = "close packet";
            else if (body.split("\x1e").includes("2")) {
                await fetch(`${base}&sid=${sid}`, { method: "POST", body: "3" });
            }
        }
        const elapsed = Date.now() - started;
        assert.ok(closedBy, "session closed");
        assert.ok(elapsed >= connectTimeout * 0.8, `closed after ${elapsed} ms`);
        report("closed", { by: closedBy, elapsed_ms: elapsed });
    },
    async connect_timeout_websocket(url, { connectTimeout }) {
        const started = Date.now();
        const raw = rawWebSocket(url);
        await raw.opened;
        const open = await raw.next();
        assert.ok(open.startsWith("0"), open);
        report("open", { sid: JSON.parse(open.slice(1)).sid });
        await raw.closed;
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= connectTimeout * 0.8, `closed after ${elapsed} ms`);
        report("closed", { elapsed_ms: elapsed });
    },
    // disconnect(true) over raw polling: the DISCONNECT packet ("41") must reach the client
    // before the session closes (Engine.IO flushes its buffer before CLOSE).
    async server_close_raw_polling(url) {
        const base = `${url}/socket.io/?EIO=4&transport=polling`;
        const open = await fetch(base);
        const { sid } = JSON.parse((await open.text()).slice(1));
        const q = `${base}&sid=${sid}`;
        await fetch(q, { method: "POST", body: "40" });
        const connected = await (await fetch(q)).text();
        assert.match(connected, /^40\{"sid":"[^"]+"\}$/);
        report("connected", { sid: JSON.parse(connected.slice(2)).sid });
        const pending = fetch(q).then(async (r) => ({ status: r.status, body: await r.text() }));
        await sleep(50);
        // The POST that carries the event is answered normally, even though its handler closes
        // the session (the client would otherwise see a transport error).
        const posted = await fetch(q, { method: "POST", body: '42["close-me"]' });
        const postBody = await posted.text();
        report("post", { status: posted.status, body: postBody });
        const responses = [await pending];
        while (responses.at(-1).status === 200 && !responses.at(-1).body.split("\x1e").includes("1")) {
            const r = await fetch(q);
            responses.push({ status: r.status, body: await r.text() });
            if (responses.length > 5) break;
        }
        report("responses", { responses });
        const packets = responses.filter((r) => r.status === 200).flatMap((r) => r.body.split("\x1e"));
        assert.ok(packets.includes("41"), `DISCONNECT delivered: ${JSON.stringify(responses)}`);
        assert.deepEqual([posted.status, postBody], [200, "ok"], "the POST's own response");
    },
    // A second CONNECT to a namespace the connection already joined closes the whole connection
    // (socket.io's client.ts: "invalid state"), without a second CONNECT reply.
    async second_connect(url) {
        const raw = await rawConnected(url);
        raw.ws.send("40");
        const after = [];
        const collect = (async () => {
            for (;;) after.push(await raw.next());
        })();
        collect.catch(() => {});
        const code = await closedWithin(raw, 3000);
        assert.ok(!after.some((m) => m.startsWith("40")), `no second CONNECT: ${JSON.stringify(after)}`);
        report("closed", { code, after });
    },
    // An invalid Socket.IO packet (unterminated JSON) closes the whole connection.
    async invalid_packet(url) {
        const raw = await rawConnected(url);
        raw.ws.send('42["event", {"unterminated": ');
        report("closed", { code: await closedWithin(raw, 3000) });
    },
};

runScenario(scenarios, parseArgs());
