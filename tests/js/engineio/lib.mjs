// Shared helpers of the Engine.IO test scripts.
//
// Every script is run as `node engineio/<behaviour>.mjs <base-url> <scenario> [key=value ...]`
// where <base-url> is the server's Engine.IO endpoint ("http://127.0.0.1:PORT/engine.io/").
// A script asserts with node:assert and exits non-zero with the failure on stderr; it reports
// what it observed as JSON lines on stdout ({"event":"open","sid":"..."}) for the C++ test to check.
//
// The server under test follows one convention (the gtest fixture and reference-server.mjs both
// implement it): it echoes every message, except text messages starting with "cmd:":
//   cmd:burst:N  -> sends the N text messages "m0" .. "m<N-1>"
//   cmd:big:N    -> sends one text message of N "x" characters
//   cmd:close    -> closes this session from the server side
//   cmd:stop     -> stops the whole server
// and refuses the handshake (on_connect returns false) when the query has refuse=1.
//
// SIO_STRICT=0 (set by validate-reference.mjs only) skips the few checks where our server's
// documented contract is stricter than the Node reference (see docs/testing.md).

import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import WebSocket from "ws";

export { assert, WebSocket };

export const STRICT = process.env.SIO_STRICT !== "0";

/** Parses argv: base URL, scenario name and key=value parameters (numbers converted). */
export function parseArgs() {
    const [base, scenario, ...rest] = process.argv.slice(2);
    if (!base || !scenario) {
        console.error(`usage: node ${process.argv[1]} <base-url> <scenario> [key=value ...]`);
        process.exit(2);
    }
    const params = {};
    for (const kv of rest) {
        const eq = kv.indexOf("=");
        const key = kv.slice(0, eq);
        const value = kv.slice(eq + 1);
        params[key] = value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
    }
    return { base: base.endsWith("/") ? base : base + "/", scenario, params };
}

/** Writes one observation as a JSON line on stdout. */
export function report(event, fields = {}) {
    process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

/** Runs the named scenario; exits 0 on success, 1 with the assertion on stderr otherwise. */
export async function runScenario(scenarios, { scenario, base, params }, timeoutMs = 15000) {
    const fn = scenarios[scenario];
    if (!fn) {
        console.error(`unknown scenario "${scenario}"; known: ${Object.keys(scenarios).join(", ")}`);
        process.exit(2);
    }
    const timer = setTimeout(() => {
        console.error(`scenario "${scenario}" did not finish within ${timeoutMs} ms`);
        process.exit(3);
    }, timeoutMs);
    try {
        await fn(base, params);
    } catch (err) {
        console.error(`scenario "${scenario}" failed:`);
        console.error(err && err.stack ? err.stack : err);
        process.exit(1);
    }
    clearTimeout(timer);
    report("done", { scenario });
    process.exit(0);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** base + "?EIO=4&transport=polling" + extra query. */
export function pollingUrl(base, query = "") {
    return `${base}?EIO=4&transport=polling${query ? "&" + query : ""}`;
}
export function websocketUrl(base, query = "") {
    return `${base.replace(/^http/, "ws")}?EIO=4&transport=websocket${query ? "&" + query : ""}`;
}

/**
 * One HTTP request with node:http(s), returning the raw body bytes (no automatic decompression,
 * unlike fetch) and the headers. `headers` are sent as given.
 */
export function request(url, { method = "GET", headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const lib = u.protocol === "https:" ? https : http;
        const req = lib.request(u, { method, headers, agent: false }, (res) => {
            const chunks = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => {
                const raw = Buffer.concat(chunks);
                resolve({ status: res.statusCode, headers: res.headers, raw, text: raw.toString() });
            });
            res.on("error", reject);
        });
        req.on("error", reject);
        if (body !== undefined) req.write(body);
        req.end();
    });
}

/** Opens a polling session; returns { sid, handshake, response }. */
export async function openPolling(base, query = "", headers = {}) {
    const response = await request(pollingUrl(base, query), { headers });
    assert.equal(response.status, 200, `handshake status (body: ${response.text})`);
    assert.ok(response.text.startsWith("0"), `handshake body starts with 0: ${response.text}`);
    const handshake = JSON.parse(response.text.slice(1));
    return { sid: handshake.sid, handshake, response };
}

export function poll(base, sid, headers = {}) {
    return request(pollingUrl(base, `sid=${encodeURIComponent(sid)}`), { headers });
}

export function post(base, sid, body, headers = {}) {
    return request(pollingUrl(base, `sid=${encodeURIComponent(sid)}`), {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", ...headers },
        body,
    });
}

/** Asserts an Engine.IO error response: status and the exact JSON body. */
export function assertError(response, code, what) {
    const message = {
        0: "Transport unknown",
        1: "Session ID unknown",
        2: "Bad handshake method",
        3: "Bad request",
        4: "Forbidden",
        5: "Unsupported protocol version",
    }[code];
    const status = code === 4 ? 403 : 400;
    assert.equal(response.status, status, `${what}: status (body: ${response.text})`);
    assert.match(
        String(response.headers["content-type"]),
        /^application\/json/,
        `${what}: content-type`,
    );
    assert.deepEqual(JSON.parse(response.text), { code, message }, `${what}: body`);
}

/**
 * A WebSocket that queues what it receives, so a script can await messages in order.
 * Text frames arrive as strings, binary frames as Buffers.
 */
export class QueuedSocket {
    constructor(url, options = {}) {
        this.ws = new WebSocket(url, options);
        this.queue = [];
        this.waiters = [];
        this.closed = null;
        this.closeWaiters = [];
        this.ws.on("message", (data, isBinary) => {
            this.push(isBinary ? Buffer.from(data) : data.toString());
        });
        this.ws.on("close", (code, reason) => {
            this.closed = { code, reason: reason.toString() };
            for (const w of this.closeWaiters) w(this.closed);
            for (const w of this.waiters) w.reject(new Error(`socket closed (code ${code})`));
            this.waiters = [];
        });
        this.ws.on("error", (err) => {
            this.error = err;
        });
        this.opened = new Promise((resolve, reject) => {
            this.ws.once("open", resolve);
            // A refused upgrade: with this listener ws leaves the request to us, so end it and
            // count the socket as closed (1006: no close frame) for waitClose().
            this.ws.once("unexpected-response", (req, res) => {
                req.destroy();
                this.refusedStatus = res.statusCode;
                if (!this.closed) {
                    this.closed = { code: 1006, reason: `HTTP ${res.statusCode}` };
                    for (const w of this.closeWaiters) w(this.closed);
                }
                reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
            });
            this.ws.once("error", reject);
        });
    }
    push(message) {
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(message);
        else this.queue.push(message);
    }
    /** The next message, or rejects after timeoutMs / on close. */
    next(timeoutMs = 5000) {
        if (this.queue.length) return Promise.resolve(this.queue.shift());
        if (this.closed) return Promise.reject(new Error(`socket closed (code ${this.closed.code})`));
        return new Promise((resolve, reject) => {
            const waiter = { resolve, reject };
            const timer = setTimeout(() => {
                this.waiters = this.waiters.filter((w) => w !== waiter);
                reject(new Error(`no message within ${timeoutMs} ms`));
            }, timeoutMs);
            waiter.resolve = (m) => (clearTimeout(timer), resolve(m));
            waiter.reject = (e) => (clearTimeout(timer), reject(e));
            this.waiters.push(waiter);
        });
    }
    /** The next message that is not a PING ("2"); PINGs are answered with PONG on the way. */
    async nextNonPing(timeoutMs = 5000) {
        for (;;) {
            const m = await this.next(timeoutMs);
            if (m === "2") {
                this.send("3");
                continue;
            }
            return m;
        }
    }
    send(data) {
        this.ws.send(data);
    }
    /** Resolves with {code, reason} when the socket is closed (at once if it already is). */
    waitClose(timeoutMs = 5000) {
        if (this.closed) return Promise.resolve(this.closed);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
            this.closeWaiters.push((c) => (clearTimeout(timer), resolve(c)));
        });
    }
    close() {
        this.ws.close();
    }
}

/** Opens a WebSocket session and reads its OPEN packet; returns { socket, handshake }. */
export async function openWebSocket(base, query = "", options = {}) {
    const socket = new QueuedSocket(websocketUrl(base, query), options);
    await socket.opened;
    const open = await socket.next();
    assert.equal(typeof open, "string");
    assert.ok(open.startsWith("0"), `OPEN packet: ${open}`);
    return { socket, handshake: JSON.parse(open.slice(1)) };
}

/**
 * Tries a WebSocket upgrade that must be refused; returns the HTTP status of the refusal.
 * With acceptedThenClosed, an upgrade that is accepted and then closed without any packet also
 * counts as a refusal (status 101), which is how the reference refuses some of them.
 */
export function refusedUpgradeStatus(
    url,
    { acceptedThenClosed = false, timeoutMs = 3000, headers = undefined } = {},
) {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, headers ? { headers } : {});
        const timer = setTimeout(() => {
            ws.terminate();
            reject(new Error(`${url}: neither refused nor closed within ${timeoutMs} ms`));
        }, timeoutMs);
        ws.on("close", () => clearTimeout(timer));
        ws.on("unexpected-response", (req, res) => {
            clearTimeout(timer);
            resolve(res.statusCode);
            req.destroy();
        });
        ws.on("open", () => {
            if (!acceptedThenClosed) {
                ws.terminate();
                reject(new Error(`WebSocket upgrade to ${url} was accepted, expected a refusal`));
            }
        });
        ws.on("message", (data) => {
            if (acceptedThenClosed) {
                ws.terminate();
                reject(new Error(`${url}: expected no session, got the packet ${data}`));
            }
        });
        ws.on("error", () => {});
        ws.on("close", () => resolve(acceptedThenClosed ? 101 : 0));
    });
}
