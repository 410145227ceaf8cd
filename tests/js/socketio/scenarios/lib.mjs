// Shared helpers of the Socket.IO client scenarios (Node's official socket.io-client).
//
// Every script is run as
//   node socketio/scenarios/<behaviour>.mjs <server-url> <scenario> [key=value ...]
// with <server-url> = "http://127.0.0.1:PORT" (Socket.IO path /socket.io/). The parameter
// transport=polling|websocket|upgrade picks how the clients connect:
//   polling    transports ["polling"]               (long-polling only)
//   websocket  transports ["websocket"]             (WebSocket from the start)
//   upgrade    transports ["polling", "websocket"]  (polling, then upgraded; connect() waits
//              for the upgrade before it resolves)
// A script asserts with node:assert and exits non-zero with the failure on stderr; it reports
// what it saw as JSON lines on stdout ({"event":"connected","nsp":"/","sid":"..."}) for the C++
// test to compare with what the server's handlers observed.
//
// The server under test runs the "scenario app" described in reference-server.mjs (the same
// handlers on Node's socket.io; tests/integration/socketio/scenario_app.cpp on ours).

import assert from "node:assert/strict";
import { Manager, io } from "socket.io-client";
import WebSocket from "ws";

export { assert, Manager, WebSocket };

/** Parses argv: server URL, scenario name and key=value parameters (numbers converted). */
export function parseArgs() {
    const [url, scenario, ...rest] = process.argv.slice(2);
    if (!url || !scenario) {
        console.error(`usage: node ${process.argv[1]} <server-url> <scenario> [key=value ...]`);
        process.exit(2);
    }
    const params = { transport: "websocket" };
    for (const kv of rest) {
        const eq = kv.indexOf("=");
        const key = kv.slice(0, eq);
        const value = kv.slice(eq + 1);
        params[key] = value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
    }
    return { url: url.replace(/\/$/, ""), scenario, params };
}

/** Writes one observation as a JSON line on stdout. */
export function report(event, fields = {}) {
    process.stdout.write(JSON.stringify({ event, ...fields }, jsonBuffers) + "\n");
}
function jsonBuffers(key, value) {
    // Buffers are reported as {"binary":[bytes]} (JSON.stringify calls Buffer.toJSON first).
    if (value && value.type === "Buffer" && Array.isArray(value.data)) return { binary: value.data };
    return value;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the named scenario; exits 0 on success, 1 with the assertion on stderr otherwise. */
export async function runScenario(scenarios, { scenario, url, params }, timeoutMs = 9000) {
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
        await fn(url, params);
    } catch (err) {
        console.error(`scenario "${scenario}" failed:`);
        console.error(err && err.stack ? err.stack : err);
        process.exit(1);
    }
    clearTimeout(timer);
    report("done", { scenario });
    process.exit(0);
}

/** The socket.io-client options of a transport mode (see the header). */
export function transportOptions(transport) {
    switch (transport) {
        case "polling":
            return { transports: ["polling"], upgrade: false };
        case "websocket":
            return { transports: ["websocket"] };
        case "upgrade":
            return { transports: ["polling", "websocket"], upgrade: true };
        default:
            throw new Error(`unknown transport mode "${transport}"`);
    }
}

/** Options every client of these scenarios uses: its own connection, no reconnection. */
function baseOptions(transport, extra) {
    return {
        forceNew: true,
        reconnection: false,
        timeout: 4000,
        ...transportOptions(transport),
        ...extra,
    };
}

/** Resolves when the Engine.IO connection of `socket` runs over WebSocket. */
export function upgraded(socket, timeoutMs = 4000) {
    const engine = socket.io.engine;
    if (engine && engine.transport && engine.transport.name === "websocket") return Promise.resolve();
    return withTimeout(
        new Promise((resolve) => socket.io.engine.once("upgrade", () => resolve())),
        timeoutMs,
        "upgrade to websocket",
    );
}

/**
 * Connects one socket to `nsp` (a new Engine.IO connection). Resolves with the socket once
 * connected (and, in upgrade mode, upgraded); rejects with the connect_error's Error.
 * `options` go to io() (auth, query, extraHeaders, ...).
 */
export async function connect(url, nsp, transport, options = {}) {
    return ready(open(url, nsp, transport, options), transport);
}

/** Starts connecting a socket and returns it at once (to attach listeners before CONNECT). */
export function open(url, nsp, transport, options = {}) {
    return io(url + nsp, baseOptions(transport, options));
}

/** Resolves with `socket` once it is connected (and upgraded in upgrade mode). */
export async function ready(socket, transport) {
    await connected(socket);
    if (transport === "upgrade") await upgraded(socket);
    return socket;
}

/** Resolves when `socket` connects, rejects with its connect_error. */
export function connected(socket, timeoutMs = 4000) {
    return withTimeout(
        new Promise((resolve, reject) => {
            socket.once("connect", () => resolve(socket));
            socket.once("connect_error", (err) => reject(err));
        }),
        timeoutMs,
        "connect",
    );
}

/** A Manager (one Engine.IO connection) for several namespaces. */
export function manager(url, transport, options = {}) {
    return new Manager(url, { ...baseOptions(transport, options), autoConnect: true });
}

/** Emits with an ack and resolves with the ack's arguments (an array). */
export function call(socket, event, ...args) {
    return withTimeout(
        new Promise((resolve) => socket.emit(event, ...args, (...ackArgs) => resolve(ackArgs))),
        4000,
        `ack of "${event}"`,
    );
}

/** Resolves with the arguments (an array) of the next `event` on `socket`. */
export function next(socket, event, timeoutMs = 4000) {
    return withTimeout(
        new Promise((resolve) => socket.once(event, (...args) => resolve(args))),
        timeoutMs,
        `event "${event}"`,
    );
}

/** Resolves with the reason of the socket's next disconnect. */
export function disconnected(socket, timeoutMs = 4000) {
    if (!socket.connected && socket.__lastReason) return Promise.resolve(socket.__lastReason);
    return withTimeout(
        new Promise((resolve) => socket.once("disconnect", (reason) => resolve(reason))),
        timeoutMs,
        "disconnect",
    );
}

/** Records every event a socket gets (except acks) in `socket.received`: [[event, ...args]]. */
export function recordAll(socket) {
    socket.received = [];
    socket.onAny((event, ...args) => socket.received.push([event, ...args]));
    return socket;
}

export function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (${ms} ms)`)), ms);
        }),
    ]);
}

/** A deep copy of a value with Buffers turned into {binary:[bytes]} (for comparisons). */
export function plain(value) {
    return JSON.parse(JSON.stringify(value, jsonBuffers));
}
