// Requests of one session that arrive on different TCP connections take effect in the order they
// arrived, whichever event loop accepted each connection — as with Node's single thread.
//   close_race tries=<n>     a long-poll GET on connection X, then a CLOSE POST on connection Y:
//                            GET → 200 "6", POST → 200 "ok", every time
//   upgrade_race tries=<n>   after the probe, the client sends UPGRADE on the WebSocket and then a
//                            GET on a new connection: the GET → 400, every time
// And the session bounds (our server only; Node's engine.io has none):
//   max_sessions limit=<n>   handshakes over the bound get 503 {"code":4,"message":"Too many
//                            sessions"}; a closed session frees its place at once
//   max_connections limit=<n> a connection over the bound gets 503 at once; a closed one frees
//                            its place
import net from "node:net";
import {
    assert,
    assertError,
    openPolling,
    parseArgs,
    poll,
    post,
    QueuedSocket,
    refusedUpgradeStatus,
    report,
    request,
    runScenario,
    sleep,
    websocketUrl,
} from "./lib.mjs";

/** A raw keep-alive HTTP/1.1 connection that can send a request and read one response. */
class RawConnection {
    constructor(base) {
        this.url = new URL(base);
        this.socket = net.connect(Number(this.url.port), this.url.hostname);
        this.socket.setNoDelay(true);
        this.buffer = "";
        this.waiter = null;
        this.socket.on("data", (d) => {
            this.buffer += d.toString("latin1");
            this.check();
        });
        this.socket.on("error", () => {});
        this.socket.on("close", () => {
            this.closed = true;
            this.check();
        });
        this.ready = new Promise((resolve, reject) =>
            this.socket.once("connect", resolve).once("error", reject),
        );
    }
    send(method, query, body = "") {
        const path = `${this.url.pathname}?EIO=4&transport=polling&${query}`;
        this.socket.write(
            `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\nConnection: keep-alive\r\n` +
                `Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}` +
                `\r\n\r\n${body}`,
        );
        return new Promise((resolve) => {
            this.waiter = resolve;
            this.check();
        });
    }
    check() {
        if (!this.waiter) return;
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (this.closed) this.finish({ status: 0, text: "(closed)" });
            return;
        }
        const head = this.buffer.slice(0, end);
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffer.length < end + 4 + length) return;
        const status = Number(head.split(" ")[1]);
        const text = this.buffer.slice(end + 4, end + 4 + length);
        this.buffer = this.buffer.slice(end + 4 + length);
        this.finish({ status, text });
    }
    finish(response) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter(response);
    }
    close() {
        this.socket.destroy();
    }
}

const scenarios = {
    async close_race(base, { tries }) {
        let failures = 0;
        const seen = {};
        for (let i = 0; i < tries; i++) {
            const { sid } = await openPolling(base);
            const x = new RawConnection(base);
            const y = new RawConnection(base);
            await Promise.all([x.ready, y.ready]);
            const get = x.send("GET", `sid=${sid}`);
            const closed = y.send("POST", `sid=${sid}`, "1");
            const [g, p] = await Promise.all([get, closed]);
            const outcome = `GET ${g.status} ${g.text.slice(0, 40)} / POST ${p.status} ${p.text}`;
            seen[outcome] = (seen[outcome] ?? 0) + 1;
            if (!(g.status === 200 && g.text === "6" && p.status === 200 && p.text === "ok"))
                failures++;
            // The session is gone afterwards.
            const after = await x.send("GET", `sid=${sid}`);
            if (after.status !== 400) failures++;
            x.close();
            y.close();
        }
        report("outcomes", { tries, failures, seen });
        assert.equal(failures, 0, `out of order in ${failures} of ${tries} tries`);
    },
    async upgrade_race(base, { tries }) {
        let failures = 0;
        const seen = {};
        for (let i = 0; i < tries; i++) {
            const { sid } = await openPolling(base);
            const ws = new QueuedSocket(websocketUrl(base, `sid=${sid}`));
            await ws.opened;
            ws.send("2probe");
            assert.equal(await ws.next(), "3probe");
            ws.send("5");
            const g = await poll(base, sid);
            const outcome = `GET ${g.status} ${g.text.slice(0, 40)}`;
            seen[outcome] = (seen[outcome] ?? 0) + 1;
            if (g.status !== 400) failures++;
            ws.close();
        }
        report("outcomes", { tries, failures, seen });
        assert.equal(failures, 0, `GET answered before the UPGRADE in ${failures} of ${tries}`);
    },
    async max_sessions(base, { limit }) {
        const sids = [];
        for (let i = 0; i < limit; i++) sids.push((await openPolling(base)).sid);
        const refused = await request(`${base}?EIO=4&transport=polling`);
        report("refused", { status: refused.status, body: refused.text });
        assert.equal(refused.status, 503);
        assert.deepEqual(JSON.parse(refused.text), { code: 4, message: "Too many sessions" });
        // A WebSocket handshake is refused the same way.
        assert.equal(await refusedUpgradeStatus(websocketUrl(base)), 503);
        // A session the client closes frees its place at once.
        assert.equal((await post(base, sids[0], "1")).status, 200);
        const { sid } = await openPolling(base);
        report("open", { sid });
    },
    async max_connections(base, { limit }) {
        const held = [];
        for (let i = 0; i < limit; i++) {
            const c = new RawConnection(base);
            await c.ready;
            const { status } = await c.send("GET", "");  // a handshake keeps the connection busy
            assert.equal(status, 200);
            held.push(c);
        }
        const over = new RawConnection(base);
        await over.ready;
        const refused = await new Promise((resolve) => {
            over.waiter = resolve;
            over.check();
        });
        report("refused", { status: refused.status, text: refused.text });
        assert.equal(refused.status, 503);
        held.pop().close();
        await sleep(100);
        const { sid } = await openPolling(base);
        report("open", { sid });
        for (const c of held) c.close();
    },
};

runScenario(scenarios, parseArgs(), 120000);
