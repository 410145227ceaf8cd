// Soak driver: churns Socket.IO clients against a running socketio_echo server and samples the
// server process every interval. Run it through scripts/soak.sh, which builds and starts the server;
// by hand:
//
//   node tests/js/soak/churn.mjs --url http://127.0.0.1:5000 --pid <server pid> --minutes 5 \
//        --interval 60 --warmup 2 --out /tmp/soak
//
// Load (moderate on purpose: the soak looks for leaks, not speed):
//   --clients N (50) slots, each looping: connect with socket.io-client in one of three modes
//     (polling only, websocket only, polling then upgrade), join a random room, 1–30 emits with
//     acks (JSON or binary, the ack checked against what was sent), now and then an "ask" (the
//     server emits with an ack to us), a "say" to the room or a "shout" to everyone; then leave
//     gracefully (socket.disconnect()) or abruptly (the WebSocket's TCP socket destroyed, or the
//     polling requests aborted and the client gone without a CLOSE: the server must notice
//     through its ping timeout).
//   --stall N (2) slots of raw WebSocket clients that stop reading after the OPEN packet:
//     three cycles in four "flood": send --flood-mb (4) MiB of echo events with acks (each
//     answered with 2 × 64 KiB) so the server's send queue overflows its bound (scripts/soak.sh
//     sets 1 MiB; ~4 MiB more fit in the kernel's socket buffers) and the session is closed,
//     then keep sending a small frame a second without reading; the server must drop the TCP
//     connection within --close-bound (10) s (else a "zombie", issue 10 defect 1). One in four
//     "silent": never answer a ping, then read: the server must drop the connection within
//     --close-bound s of the ping deadline.
//
// Every --interval seconds it records the server's VmRSS, open fds, threads, CPU seconds, its TCP
// connections (from /proc/net/tcp, by state), the live sockets of namespace "/" (socketio_echo's
// "/admin" "count" event; abruptly left polling sessions count until their ping timeout), and the
// client counters; writes soak.csv and soak.md into --out. After --minutes it stops the churn,
// waits for the server to drain, and exits 0 only if
//   - RSS and fds are flat after the warm-up: the median of the last --window (5) samples is
//     within --tolerance (10 %) of the median of the first --window samples after --warmup
//     minutes (fds: at least 3 fds of slack, as connections come and go between samples);
//   - the drain ends with 0 sockets in "/" and no more fds than before the run (measured after
//     every event loop has opened its reactor's fds, with the monitor connected);
//   - no stalled client was a zombie, and at least one cycle of each kind completed;
//   - no client-side error (failed connect, wrong or missing ack, unexpected disconnect) beyond
//     --max-errors (0), and the server process is alive throughout.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { io } from "socket.io-client";

const { values: opt } = parseArgs({
    options: {
        url: { type: "string" },
        pid: { type: "string" },
        minutes: { type: "string", default: "60" },
        interval: { type: "string", default: "60" },
        warmup: { type: "string", default: "10" },
        window: { type: "string", default: "5" },
        tolerance: { type: "string", default: "0.10" },
        clients: { type: "string", default: "50" },
        stall: { type: "string", default: "2" },
        "flood-mb": { type: "string", default: "4" },
        "close-bound": { type: "string", default: "10" },
        "max-errors": { type: "string", default: "0" },
        out: { type: "string", default: "." },
        seed: { type: "string" },
    },
});
if (!opt.url || !opt.pid) {
    console.error("usage: churn.mjs --url http://HOST:PORT --pid SERVER_PID [--minutes 60] ...");
    process.exit(2);
}
const url = opt.url.replace(/\/$/, "");
const serverPid = Number(opt.pid);
const durationMs = Number(opt.minutes) * 60_000;
const intervalMs = Number(opt.interval) * 1000;
const warmupMs = Number(opt.warmup) * 60_000;
const windowSize = Math.max(1, Number(opt.window));
const tolerance = Number(opt.tolerance);
const maxErrors = Number(opt["max-errors"]);
const floodBytes = Number(opt["flood-mb"]) * 1024 * 1024;
const serverPort = Number(new URL(url).port);

// --- small helpers ------------------------------------------------------------------------------
let seed = Number(opt.seed ?? Date.now()) >>> 0;
function random() {  // mulberry32: reproducible with --seed
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(0);
function log(...args) {
    console.log(`[soak ${elapsed()}s]`, ...args);
}

// Cumulative client-side counters (all appear in the CSV).
const c = {
    connects: 0, connect_errors: 0, emits: 0, acks: 0, ack_errors: 0, server_acks: 0,
    upgrades: 0, graceful: 0, abrupt: 0, unexpected_disconnects: 0,
    flood_cycles: 0, flood_closed: 0, flood_zombie: 0, silent_cycles: 0, silent_closed: 0,
    silent_zombie: 0, stall_errors: 0,
};
let clientOpen = 0;  // socket.io-client sockets connected right now
const errorSamples = [];  // the first few error messages, printed at the end
function error(counter, message) {
    c[counter]++;
    if (errorSamples.length < 20) errorSamples.push(`${elapsed()}s ${counter}: ${message}`);
}
const errorCount = () =>
    c.connect_errors + c.ack_errors + c.unexpected_disconnects + c.stall_errors;

let stopping = false;
let onStop;
const stopped = new Promise((resolve) => (onStop = resolve));
const sleepUnlessStopping = (ms) => Promise.race([sleep(Math.max(0, ms)), stopped]);

// --- socket.io-client churn ---------------------------------------------------------------------
const MODES = {
    polling: { transports: ["polling"], upgrade: false },
    websocket: { transports: ["websocket"] },
    upgrade: { transports: ["polling", "websocket"], upgrade: true },
};
const ROOMS = 20;

function connectClient(mode) {
    return new Promise((resolve, reject) => {
        const socket = io(url, {
            ...MODES[mode], forceNew: true, reconnection: false, timeout: 10_000,
            query: { mode },
        });
        socket.once("connect", () => resolve(socket));
        socket.once("connect_error", (err) => {
            socket.close();
            reject(err);
        });
    });
}

// Kills the transport without a goodbye: no DISCONNECT, no Engine.IO CLOSE.
function killTransport(socket) {
    const engine = socket.io.engine;
    const transport = engine.transport;
    if (transport.name === "websocket") {
        transport.ws._socket.destroy();  // the close event follows; the server sees the TCP close
        return;
    }
    // Polling: abort the pending long-poll GET (its TCP connection closes), send nothing more, and
    // tell the client it is closed; the server only learns it at its ping timeout.
    transport.close = () => transport;
    transport.doWrite = () => {};
    transport._poll = () => {};
    transport.pollXhr?.abort();
    engine._onClose("transport close");
}

function randomPayload() {
    const roll = random();
    if (roll < 0.15) return [Buffer.alloc(randInt(1, 4096), randInt(0, 255))];
    if (roll < 0.25) return [];
    const text = "x".repeat(randInt(0, 2000));
    return [{ n: randInt(0, 1e6), text, list: [1, "two", null, true] }, text.length];
}

async function clientCycle(slot) {
    const modeNames = Object.keys(MODES);
    const mode = modeNames[randInt(0, modeNames.length - 1)];
    let socket;
    try {
        socket = await connectClient(mode);
    } catch (err) {
        error("connect_errors", `${mode}: ${err.message}`);
        await sleep(1000);
        return;
    }
    c.connects++;
    clientOpen++;
    let leaving = false;
    const closed = new Promise((resolve) => {
        socket.on("disconnect", (reason) => {
            clientOpen--;
            if (!leaving) error("unexpected_disconnects", `${mode}: ${reason}`);
            resolve();
        });
    });
    socket.io.engine.on("upgrade", () => c.upgrades++);
    // The server's emit with ack ("ask" → "question" with an ack → "answer").
    socket.on("question", (...args) => {
        const ack = args.pop();
        ack(...args);
    });
    socket.on("answer", () => c.server_acks++);
    try {
        const room = `room${randInt(1, ROOMS)}`;
        const rooms = await socket.timeout(10_000).emitWithAck("join", room);
        if (!rooms.includes(room)) error("ack_errors", `join ack ${JSON.stringify(rooms)}`);
        const emits = randInt(1, 30);
        for (let i = 0; i < emits && !stopping; i++) {
            const roll = random();
            c.emits++;
            if (roll < 0.02) {
                socket.emit("shout", { i });  // to every other client; the server sends no ack
            } else if (roll < 0.07) {
                const ack = await socket.timeout(10_000).emitWithAck("ask", "q", i);
                if (ack !== "asked") error("ack_errors", `ask ack ${JSON.stringify(ack)}`);
                c.acks++;
            } else if (roll < 0.12) {
                const ack = await socket.timeout(10_000).emitWithAck("say", room, { i });
                if (ack !== "ok") error("ack_errors", `say ack ${JSON.stringify(ack)}`);
                c.acks++;
            } else {
                const args = randomPayload();
                const ack = await socket.timeout(10_000).emitWithAck("echo", ...args);
                // emitWithAck resolves with the first ack argument only.
                if (!isDeepStrictEqual(ack, args[0])) error("ack_errors", `echo ack differs (${mode})`);
                c.acks++;
            }
            await sleep(randInt(0, 400));
        }
    } catch (err) {
        error("ack_errors", `${mode}: ${err.message}`);
    }
    if (socket.io.engine.upgrading) {  // let a running upgrade finish before killing
        await Promise.race([
            new Promise((r) => socket.io.engine.once("upgrade", r)),
            new Promise((r) => socket.io.engine.once("upgradeError", r)),
            sleep(3000),
        ]);
    }
    leaving = true;
    if (!socket.connected) {
        await closed;
        return;
    }
    if (random() < 0.5) {
        c.graceful++;
        socket.disconnect();
    } else {
        c.abrupt++;
        killTransport(socket);
    }
    await Promise.race([closed, sleep(5000)]);
}

async function clientSlot(slot) {
    await sleep(randInt(0, 2000));  // do not start every slot at once
    while (!stopping) await clientCycle(slot);
}

// --- raw WebSocket clients that stop reading ----------------------------------------------------
// A masked client frame; the mask key is 0 (valid; the server must unmask whatever the key), so
// the payload needs no XOR pass and one frame can be written many times.
function clientFrame(text, opcode = 1) {
    const payload = Buffer.from(text);
    const len = payload.length;
    let header;
    if (len < 126) {
        header = Buffer.from([0x80 | opcode, 0x80 | len]);
    } else if (len < 65536) {
        header = Buffer.alloc(4);
        header[0] = 0x80 | opcode;
        header[1] = 0x80 | 126;
        header.writeUInt16BE(len, 2);
    } else {
        header = Buffer.alloc(10);
        header[0] = 0x80 | opcode;
        header[1] = 0x80 | 127;
        header.writeBigUInt64BE(BigInt(len), 2);
    }
    return Buffer.concat([header, Buffer.alloc(4), payload]);
}

// Parses server frames (unmasked) from a byte stream: yields {opcode, payload}.
class FrameReader {
    constructor() {
        this.buffer = Buffer.alloc(0);
    }
    *push(chunk) {
        this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
        for (;;) {
            if (this.buffer.length < 2) return;
            let len = this.buffer[1] & 0x7f;
            let offset = 2;
            if (len === 126) {
                if (this.buffer.length < 4) return;
                len = this.buffer.readUInt16BE(2);
                offset = 4;
            } else if (len === 127) {
                if (this.buffer.length < 10) return;
                len = Number(this.buffer.readBigUInt64BE(2));
                offset = 10;
            }
            if (this.buffer.length < offset + len) return;
            const frame = { opcode: this.buffer[0] & 0x0f, payload: this.buffer.subarray(offset, offset + len) };
            this.buffer = this.buffer.subarray(offset + len);
            yield frame;
        }
    }
}

// Opens a raw WebSocket to the Engine.IO endpoint, reads the OPEN packet, connects to "/", then
// stops reading. Resolves {sock, open} where open is the parsed OPEN packet.
function rawWebSocket() {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const sock = net.connect(Number(u.port), u.hostname);
        const timer = setTimeout(() => fail(new Error("raw websocket: no OPEN within 10 s")), 10_000);
        let head = Buffer.alloc(0);
        let reader = null;
        const fail = (err) => {
            clearTimeout(timer);
            sock.destroy();
            reject(err);
        };
        sock.on("error", fail);
        sock.on("connect", () => {
            sock.write(
                `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\n` +
                "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: c29ha3NvYWtzb2Frc29haw==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        });
        const onData = (chunk) => {
            if (!reader) {
                head = Buffer.concat([head, chunk]);
                const end = head.indexOf("\r\n\r\n");
                if (end < 0) return;
                const status = head.subarray(0, head.indexOf("\r\n")).toString();
                if (!status.startsWith("HTTP/1.1 101")) return fail(new Error(`raw websocket: ${status}`));
                reader = new FrameReader();
                chunk = head.subarray(end + 4);
            }
            for (const frame of reader.push(chunk)) {
                const text = frame.payload.toString();
                if (frame.opcode !== 1 || text[0] !== "0") return fail(new Error(`raw websocket: first frame ${text}`));
                clearTimeout(timer);
                sock.off("data", onData);
                sock.off("error", fail);
                sock.pause();  // from now on nothing is read until the check at the end
                sock.write(clientFrame("40"));
                resolve({ sock, open: JSON.parse(text.slice(1)), reader });
                return;
            }
        };
        sock.on("data", onData);
    });
}

// Writes with backpressure: false if the kernel buffers stay full for `ms` (the peer stopped
// reading) or the socket failed.
function writeOrWait(sock, buffer, ms) {
    if (sock.destroyed) return Promise.resolve(false);
    if (sock.write(buffer)) return Promise.resolve(true);
    return new Promise((resolve) => {
        const done = (ok) => {
            clearTimeout(timer);
            sock.off("drain", onDrain);
            sock.off("close", onClose);
            resolve(ok);
        };
        const onDrain = () => done(true);
        const onClose = () => done(false);
        const timer = setTimeout(() => done(false), ms);
        sock.on("drain", onDrain);
        sock.on("close", onClose);
    });
}

function describe(result) {
    return `${result.closed ? `closed by the server after ${result.ms} ms of reading` : `still open after ${result.ms} ms of reading`}` +
        ` (${(result.bytes / 1048576).toFixed(1)} MiB read, close frame ${result.closeCode ?? "none"})`;
}

// Resumes reading; resolves {closed, closeCode, bytes, ms} once the server closed the TCP connection
// (FIN or RST) or after `ms`.
function readUntilClosed(sock, reader, ms) {
    return new Promise((resolve) => {
        let bytes = 0;
        let closeCode = null;
        const start = Date.now();
        const timer = setTimeout(() => finish(false), ms);
        const finish = (closed) => {
            clearTimeout(timer);
            sock.removeAllListeners("data");
            resolve({ closed, closeCode, bytes, ms: Date.now() - start });
        };
        sock.on("error", () => {});
        sock.on("close", () => finish(true));
        sock.on("data", (chunk) => {
            bytes += chunk.length;
            for (const frame of reader.push(chunk)) {
                if (frame.opcode === 8 && frame.payload.length >= 2) closeCode = frame.payload.readUInt16BE(0);
            }
        });
        if (sock.destroyed) finish(true);
        sock.resume();
    });
}

// How long the server may take to drop the TCP connection of a client it gave up on (--close-bound,
// 10 s): the engine resets a closed WebSocket after websocket.close_linger (5 s by default)
// whatever the client does (issue 10 defect 1; before that fix Beast waited 30 s for the peer's close frame,
// as Node's ws does, or forever while the peer kept sending). Over the bound: a zombie.
const CLOSE_BOUND_MS = Number(opt["close-bound"]) * 1000;

let floodFrame = null;
async function stallCycle(slot, cycle) {
    const silent = (cycle + 3 * slot) % 4 === 3;  // one cycle in four; slot 1 starts with one
    let conn;
    try {
        conn = await rawWebSocket();
    } catch (err) {
        error("stall_errors", err.message);
        await sleepUnlessStopping(1000);
        return;
    }
    const { sock, open, reader } = conn;
    let hardClosedAt = null;  // our write failed: the server closed the connection (RST)
    sock.on("error", () => {});
    sock.on("close", () => (hardClosedAt ??= Date.now()));
    if (silent) {
        // Answer no ping: the server must drop us at ping interval + timeout, then close the TCP
        // connection within the bound even though we never answer its close frame.
        const deadline = Date.now() + open.pingInterval + open.pingTimeout;
        await sleepUnlessStopping(deadline - Date.now());
        if (stopping) return sock.destroy();
        const result = await readUntilClosed(sock, reader, CLOSE_BOUND_MS);
        c.silent_cycles++;
        if (result.closed) c.silent_closed++;
        else c.silent_zombie++;
        log(`stalled silent: ${describe(result)} after the ping deadline`);
        sock.destroy();
        return;
    }
    floodFrame ??= clientFrame(`421${JSON.stringify(["echo", "f".repeat(64 * 1024)])}`);
    // Each frame is acked and echoed (2 × 64 KiB back) while we read nothing: the server's send
    // queue grows until its bound closes the session.
    const floodStart = Date.now();
    let sent = 0;
    let blocked = false;
    while (sent < floodBytes && !stopping && !sock.destroyed) {
        if (!(await writeOrWait(sock, floodFrame, 2000))) {
            blocked = true;  // the server stopped reading us
            break;
        }
        sent += floodFrame.length;
        await sleep(5);
    }
    const floodMs = Date.now() - floodStart;
    // Keep talking (a small frame a second) without reading, as a client that ignores the close
    // would: the server must still drop the connection within the bound.
    const small = clientFrame('42["echo","still here"]');
    const holdStart = Date.now();
    while (!sock.destroyed && !stopping && Date.now() - holdStart < CLOSE_BOUND_MS) {
        await writeOrWait(sock, small, 1000);
        await sleepUnlessStopping(1000);
    }
    if (stopping && !sock.destroyed) return sock.destroy();
    c.flood_cycles++;
    const what = `sent ${(sent / 1048576).toFixed(1)} MiB in ${floodMs} ms` +
        `${blocked ? " (then the server stopped reading)" : ""}`;
    if (sock.destroyed) {
        c.flood_closed++;
        log(`stalled flood: ${what}; the server dropped the connection ${hardClosedAt - holdStart} ms after the flood`);
    } else {
        c.flood_zombie++;
        const result = await readUntilClosed(sock, reader, CLOSE_BOUND_MS);
        log(`stalled flood: ${what}; still open ${CLOSE_BOUND_MS / 1000} s later while we kept ` +
            `sending (zombie); then reading: ${describe(result)}`);
    }
    sock.destroy();
}

async function stallSlot(slot) {
    await sleepUnlessStopping(randInt(0, 5000));
    for (let cycle = 0; !stopping; cycle++) await stallCycle(slot, cycle);
}

// --- sampling -----------------------------------------------------------------------------------
const CLOCK_TICKS = 100;  // USER_HZ on Linux
function procStatus(pid) {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? NaN);
    // /proc/PID/stat: utime and stime are fields 14 and 15 (after the parenthesised name).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu_s = (Number(after[11]) + Number(after[12])) / CLOCK_TICKS;
    return { rss_kb: field("VmRSS"), threads: field("Threads"), cpu_s };
}
function fdCount(pid) {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
}
// The server-side TCP connections (local port = server port) by state, from /proc/net/tcp{,6}.
const TCP_STATES = { "01": "estab", "08": "close_wait", "04": "fin_wait1", "05": "fin_wait2", "0B": "closing", "09": "last_ack" };
function tcpStates() {
    const result = { estab: 0, close_wait: 0, other: 0 };
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        let text;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            continue;
        }
        for (const line of text.split("\n").slice(1)) {
            const f = line.trim().split(/\s+/);
            if (f.length < 4) continue;
            const port = parseInt(f[1].split(":")[1], 16);
            if (port !== serverPort || f[3] === "0A" /* LISTEN */ || f[3] === "06" /* TIME_WAIT */) continue;
            const state = TCP_STATES[f[3]];
            if (state === "estab" || state === "close_wait") result[state]++;
            else result.other++;
        }
    }
    return result;
}
function serverAlive() {
    try {
        process.kill(serverPid, 0);
        return fs.readFileSync(`/proc/${serverPid}/stat`, "utf8").split(" ")[2] !== "Z";
    } catch {
        return false;
    }
}

let admin = null;
async function serverSockets() {
    if (!admin) {
        admin = io(`${url}/admin`, { auth: { token: "admin" }, transports: ["websocket"], forceNew: true });
    }
    try {
        return await admin.timeout(5000).emitWithAck("count");
    } catch {
        return NaN;
    }
}

const COLUMNS = [
    "elapsed_s", "phase", "rss_kb", "fds", "threads", "cpu_s", "tcp_estab", "tcp_close_wait", "tcp_other",
    "server_sockets", "client_open", ...Object.keys(c), "driver_rss_kb",
];
const samples = [];
async function sample(phase) {
    const s = { elapsed_s: Math.round((Date.now() - started) / 1000), phase };
    Object.assign(s, procStatus(serverPid), { fds: fdCount(serverPid) });
    const tcp = tcpStates();
    Object.assign(s, { tcp_estab: tcp.estab, tcp_close_wait: tcp.close_wait, tcp_other: tcp.other });
    s.server_sockets = await serverSockets();
    s.client_open = clientOpen;
    Object.assign(s, c);
    s.driver_rss_kb = Math.round(process.memoryUsage().rss / 1024);
    samples.push(s);
    fs.appendFileSync(csvPath, COLUMNS.map((k) => s[k]).join(",") + "\n");
    log(`${phase}: rss ${(s.rss_kb / 1024).toFixed(1)} MB, fds ${s.fds}, threads ${s.threads}, ` +
        `sockets ${s.server_sockets}, tcp ${s.tcp_estab}/${s.tcp_close_wait}/${s.tcp_other}, ` +
        `connects ${c.connects}, acks ${c.acks}, errors ${errorCount()}`);
    return s;
}

// --- the run ------------------------------------------------------------------------------------
fs.mkdirSync(opt.out, { recursive: true });
const csvPath = path.join(opt.out, "soak.csv");
const mdPath = path.join(opt.out, "soak.md");
fs.writeFileSync(csvPath, COLUMNS.join(",") + "\n");

process.on("unhandledRejection", (err) => error("ack_errors", `unhandled: ${err?.message ?? err}`));
// The baseline for the drain: each event loop opens its reactor's fds (epoll, eventfd, timerfd) at
// its first connection, so touch every loop first (a few clients at once; connections are spread
// round-robin), with the monitor connected.
await serverSockets();
const touch = await Promise.all(Array.from({ length: 8 }, () => connectClient("websocket")));
touch.forEach((socket) => socket.disconnect());
await sleep(1000);
const baseline = { fds: fdCount(serverPid), ...procStatus(serverPid) };
log(`server pid ${serverPid}: ${baseline.fds} fds, ${(baseline.rss_kb / 1024).toFixed(1)} MB before the run; ` +
    `${opt.clients} clients + ${opt.stall} stalled, ${opt.minutes} min, sample every ${opt.interval} s`);

await sample("start");
const slots = [];
for (let i = 0; i < Number(opt.clients); i++) slots.push(clientSlot(i));
for (let i = 0; i < Number(opt.stall); i++) slots.push(stallSlot(i));

let serverDied = false;
while (Date.now() - started < durationMs) {
    const next = Math.min(intervalMs, durationMs - (Date.now() - started));
    await sleep(next);
    if (!serverAlive()) {
        serverDied = true;
        log("the server process is gone");
        break;
    }
    await sample(Date.now() - started < warmupMs ? "warmup" : "run");
}

stopping = true;
onStop();
const stoppedAt = Math.round((Date.now() - started) / 1000);
log("churn stopping; waiting for the clients to finish their cycle");
await Promise.race([Promise.all(slots), sleep(120_000)]);

// Drain: every session must go (ghost polling sessions at the ping timeout) and the fds return.
let drained = null;
if (!serverDied) {
    const limit = Date.now() + 120_000;
    while (Date.now() < limit) {
        await sleep(Math.min(5000, intervalMs));
        if (!serverAlive()) {
            serverDied = true;
            break;
        }
        const fds = fdCount(serverPid);
        const sockets = await serverSockets();
        if (sockets === 0 && fds <= baseline.fds) break;
    }
    if (!serverDied) drained = await sample("drained");
}
admin?.close();

// --- verdict ------------------------------------------------------------------------------------
const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const failures = [];
const notes = [];
const steady = samples.filter((s) => s.phase === "run");
if (serverDied) failures.push("the server process died");
if (steady.length < 2) {
    notes.push(`only ${steady.length} sample(s) after the warm-up: flatness not judged`);
} else {
    const w = Math.min(windowSize, Math.floor(steady.length / 2));
    for (const [key, slack] of [["rss_kb", 0], ["fds", 3]]) {
        const first = median(steady.slice(0, w).map((s) => s[key]));
        const last = median(steady.slice(-w).map((s) => s[key]));
        const max = Math.max(...steady.map((s) => s[key]));
        const limit = Math.max(first * (1 + tolerance), first + slack);
        const growth = ((last / first - 1) * 100).toFixed(1);
        const line = `${key}: median of the first ${w} steady samples ${first}, of the last ${w} ${last} ` +
            `(${growth} %), max ${max}, limit ${Math.round(limit)}`;
        if (last > limit) failures.push(`${line}: grew`);
        else notes.push(line);
    }
}
if (drained) {
    const line = `drain: ${drained.server_sockets} sockets in "/", ${drained.fds} fds ` +
        `(${baseline.fds} before the run), ${drained.elapsed_s - stoppedAt} s after the churn stopped`;
    if (drained.server_sockets !== 0 || drained.fds > baseline.fds) failures.push(line);
    else notes.push(line);
}
if (errorCount() > maxErrors) failures.push(`${errorCount()} client errors (allowed ${maxErrors})`);
if (c.connects === 0) failures.push("no client ever connected");
if (Number(opt.stall) > 0 && c.flood_cycles === 0) failures.push("no flooding stalled client completed a cycle");
if (Number(opt.stall) > 1 && c.silent_cycles === 0) failures.push("no silent stalled client completed a cycle");
const zombies = c.flood_zombie + c.silent_zombie;
const stallLine = `stalled clients: flood ${c.flood_closed} of ${c.flood_cycles} dropped within ` +
    `${CLOSE_BOUND_MS / 1000} s (${c.flood_zombie} zombies), silent ${c.silent_closed} of ${c.silent_cycles} ` +
    `(${c.silent_zombie} zombies); cycles cut short by the end of the run are not counted`;
if (zombies > 0) failures.push(stallLine);
else notes.push(stallLine);

// Markdown: one row per sample.
const mb = (kb) => (kb / 1024).toFixed(1);
const rows = samples.map((s) =>
    `| ${(s.elapsed_s / 60).toFixed(1)} | ${s.phase} | ${mb(s.rss_kb)} | ${s.fds} | ${s.threads} | ${s.cpu_s.toFixed(0)} | ` +
    `${s.server_sockets} | ${s.tcp_estab}/${s.tcp_close_wait}/${s.tcp_other} | ${s.connects} | ` +
    `${s.acks} | ${s.server_acks} | ${s.upgrades} | ${s.graceful}/${s.abrupt} | ` +
    `${s.flood_closed}/${s.flood_cycles} · ${s.silent_closed}/${s.silent_cycles} | ` +
    `${s.connect_errors + s.ack_errors + s.unexpected_disconnects + s.stall_errors} |`);
const md = [
    "| min | phase | RSS MB | fds | threads | CPU s | sockets in / | TCP estab/close_wait/other | connects | acks | server acks | upgrades | left graceful/abrupt | stalled closed/cycles: flood · silent | errors |",
    "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---:|",
    ...rows,
    "",
    `Verdict: ${failures.length ? "FAIL" : "PASS"}`,
    "",
    ...failures.map((f) => `- FAIL ${f}`),
    ...notes.map((n) => `- ${n}`),
    ...errorSamples.map((e) => `- error: ${e}`),
    "",
].join("\n");
fs.writeFileSync(mdPath, md);
console.log(md);
log(`wrote ${csvPath} and ${mdPath}`);
process.exit(failures.length ? 1 : 0);
