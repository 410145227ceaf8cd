// A WebSocket the server has closed does not outlive websocket.close_linger, whatever the client
// does, and the server reads nothing more from it. Raw TCP clients (the official ones behave), on
// our server only: Node's `ws` has the same rule with a fixed 30 s, too slow for a test.
//
//   stalled_reader trigger=<how> closeAfter=<ms> linger=<ms> big=<bytes> maxFlood=<bytes>
//       Completes the WebSocket handshake and stops reading. The server's write to it sticks
//       (cmd:big of more than the kernel buffers hold); then the server closes the session,
//       trigger = ping_timeout (no PONG), queue_full (cmd:burst:100 over a send queue bound of
//       fewer messages) or server_close (cmd:close). From closeAfter ms on — after the server's close —
//       the client floods the connection with frames. The connection must be reset no earlier
//       than linger after the stall and within linger + 2.5 s of the flood, and the server must
//       leave the flood unread: the client's writes block once the kernel buffers are full, so
//       at most maxFlood bytes leave it.
//   unanswered_close linger=<ms> maxFlood=<bytes>
//       Reads everything but never answers the server's close frame (cmd:close) and floods the
//       connection after it: the connection ends within linger + 2.5 s of the close frame, not
//       before linger, and the server reads at most a message's worth of the flood (at most
//       maxFlood bytes leave the client).
import net from "node:net";
import { assert, parseArgs, report, runScenario, sleep } from "./lib.mjs";

/** Upgrades a raw TCP connection; resolves with { socket, rest } (bytes after the response). */
function rawWebSocket(base) {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(url.port), url.hostname);
        socket.once("error", reject);
        socket.once("connect", () => {
            socket.write(
                `GET ${url.pathname}?EIO=4&transport=websocket HTTP/1.1\r\n` +
                    `Host: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
            );
        });
        let buffered = Buffer.alloc(0);
        const onData = (chunk) => {
            buffered = Buffer.concat([buffered, chunk]);
            const end = buffered.indexOf("\r\n\r\n");
            if (end < 0) return;
            socket.off("data", onData);
            socket.off("error", reject);
            const head = buffered.subarray(0, end).toString();
            if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(`upgrade refused: ${head}`));
            resolve({ socket, rest: buffered.subarray(end + 4) });
        };
        socket.on("data", onData);
    });
}

/** A masked client frame (text by default). The zero mask key keeps the payload as it is. */
function frame(payload, opcode = 0x1) {
    const data = Buffer.from(payload);
    let header;
    if (data.length < 126) {
        header = Buffer.from([0x80 | opcode, 0x80 | data.length]);
    } else if (data.length < 65536) {
        header = Buffer.from([0x80 | opcode, 0x80 | 126, data.length >> 8, data.length & 0xff]);
    } else {
        header = Buffer.alloc(10);
        header[0] = 0x80 | opcode;
        header[1] = 0x80 | 127;
        header.writeBigUInt64BE(BigInt(data.length), 2);
    }
    return Buffer.concat([header, Buffer.alloc(4), data]);
}

/** Splits unmasked server frames off `buffer`; returns [{opcode, payload}], and the remainder. */
function parseFrames(buffer) {
    const frames = [];
    for (;;) {
        if (buffer.length < 2) break;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
            if (buffer.length < 4) break;
            length = buffer.readUInt16BE(2);
            offset = 4;
        } else if (length === 127) {
            if (buffer.length < 10) break;
            length = Number(buffer.readBigUInt64BE(2));
            offset = 10;
        }
        if (buffer.length < offset + length) break;
        frames.push({ opcode: buffer[0] & 0x0f, payload: buffer.subarray(offset, offset + length) });
        buffer = buffer.subarray(offset + length);
    }
    return { frames, rest: buffer };
}

/** Resolves once the socket is closed or failed, with how. */
function whenGone(socket) {
    return new Promise((resolve) => {
        let how = null;
        socket.on("error", (err) => (how ??= err.code ?? String(err)));
        socket.on("end", () => (how ??= "end"));
        socket.on("close", () => resolve(how ?? "close"));
    });
}

/**
 * Writes frames as fast as the connection takes them until stopped; `flushed()` is how many bytes
 * the kernel accepted (written minus what Node still buffers).
 */
function flood(socket) {
    const chunk = Buffer.concat(Array.from({ length: 64 }, () => frame("4" + "f".repeat(1000))));
    const start = socket.bytesWritten;
    let stopped = false;
    let waiting = false;
    const pump = () => {
        waiting = false;
        // A few chunks per turn, so the timers of the scenario still run while the server reads
        // as fast as we write.
        for (let i = 0; i < 16; i++) {
            if (stopped || socket.destroyed) return;
            if (!socket.write(chunk)) {
                waiting = true;
                return socket.once("drain", pump);
            }
        }
        if (!waiting) setImmediate(pump);
    };
    pump();
    return {
        flushed: () => socket.bytesWritten - socket.writableLength - start,
        stop: () => (stopped = true),
    };
}

async function readOpenPacket(socket, rest) {
    let buffered = rest;
    for (;;) {
        const { frames, rest: left } = parseFrames(buffered);
        if (frames.length) {
            const open = frames[0].payload.toString();
            assert.ok(open.startsWith("0"), `OPEN packet: ${open}`);
            return { sid: JSON.parse(open.slice(1)).sid, rest: left };
        }
        buffered = Buffer.concat([buffered, await new Promise((r) => socket.once("data", r))]);
    }
}

const scenarios = {
    async stalled_reader(base, { trigger, closeAfter, linger, big, maxFlood }) {
        const { socket, rest } = await rawWebSocket(base);
        const { sid } = await readOpenPacket(socket, rest);
        report("open", { sid });
        const gone = whenGone(socket);
        // Stop reading: what the server writes piles up in the kernel buffers until its write
        // sticks (`big` is more than they hold, less than the server's send queue bound).
        socket.pause();
        const stalled = Date.now();
        socket.write(frame(`4cmd:big:${big}`));
        if (trigger === "server_close") socket.write(frame("4cmd:close"));
        if (trigger === "queue_full") socket.write(frame("4cmd:burst:100"));
        await sleep(closeAfter);
        const flooding = flood(socket);
        const flooded = Date.now();
        const how = await Promise.race([gone, sleep(linger + 2500).then(() => null)]);
        flooding.stop();
        const closedAfter = Date.now() - stalled;
        report("closed", {
            how,
            after_ms: closedAfter,
            flood_ms: Date.now() - flooded,
            flood_bytes: flooding.flushed(),
        });
        assert.ok(how !== null, `the server did not close the connection within ${linger + 2500} ms of the flood`);
        assert.ok(closedAfter >= linger - 50, `closed after ${closedAfter} ms, before the linger`);
        assert.ok(flooding.flushed() <= maxFlood, `the server read ${flooding.flushed()} bytes of the flood`);
        socket.destroy();
    },
    async unanswered_close(base, { linger, maxFlood }) {
        const { socket, rest } = await rawWebSocket(base);
        const { sid, rest: left } = await readOpenPacket(socket, rest);
        report("open", { sid });
        const gone = whenGone(socket);
        let buffered = left;
        const closeFrame = new Promise((resolve) => {
            socket.on("data", (chunk) => {
                const { frames, rest: remainder } = parseFrames(Buffer.concat([buffered, chunk]));
                buffered = remainder;
                if (frames.some((f) => f.opcode === 0x8)) resolve(Date.now());
            });
        });
        socket.write(frame("4cmd:close"));
        const closeSeen = await closeFrame;
        const flooding = flood(socket);
        const how = await Promise.race([gone, sleep(linger + 2500).then(() => null)]);
        flooding.stop();
        const closedAfter = Date.now() - closeSeen;
        report("closed", { how, after_ms: closedAfter, flood_bytes: flooding.flushed() });
        assert.ok(how !== null, `the server did not close the connection within ${linger + 2500} ms of its close frame`);
        assert.ok(closedAfter >= linger - 100, `closed ${closedAfter} ms after the close frame, before the linger`);
        assert.ok(flooding.flushed() <= maxFlood, `the server read ${flooding.flushed()} bytes of the flood`);
        socket.destroy();
    },
    // Sends `bytes` of WebSocket pings (125-byte payloads) while reading nothing, then reads what
    // the server sent meanwhile: it must have stopped answering once its output backed up, not
    // queued a pong for every ping — at most `maxPongBytes` (the kernel buffers between us and a
    // little more) arrive, not a pong's worth per ping.
    async ping_flood(base, { bytes, maxPongBytes }) {
        const { socket, rest } = await rawWebSocket(base);
        const { sid } = await readOpenPacket(socket, rest);
        report("open", { sid });
        socket.pause();
        const chunk = Buffer.concat(Array.from({ length: 256 }, () => frame("p".repeat(125), 0x9)));
        let written = 0;
        while (written < Number(bytes)) {
            if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
            written += chunk.length;
        }
        await sleep(300);  // the server reads the last of the flood
        let received = 0;
        let last = Date.now();
        socket.on("data", (data) => {
            received += data.length;
            last = Date.now();
        });
        socket.resume();
        while (Date.now() - last < 500) await sleep(100);
        report("flooded", { sent: written, received });
        assert.ok(received > 0, "some pings were answered");
        assert.ok(received <= Number(maxPongBytes), `${received} bytes of pongs came back`);
        socket.destroy();
    },
};

runScenario(scenarios, parseArgs(), 30000);
