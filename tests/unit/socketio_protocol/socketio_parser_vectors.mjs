// Test vectors from the reference implementation, socket.io-parser (the npm package in tests/js),
// for socketio_parser_conformance_test.cpp.
//
//   node socketio_parser_vectors.mjs <tests/js dir> encode <count> <seed>
//       One JSON line per random packet: {"packet":P,"frames":F} where F is what
//       socket.io-parser's Encoder produced for P.
//   node socketio_parser_vectors.mjs <tests/js dir> decode <count> <seed>
//       One JSON line per input: {"frames":F,"result":R} where F is an encoded random packet,
//       often mutated (truncated, a byte deleted/inserted/replaced, frames dropped or reordered),
//       and R what socket.io-parser's Decoder made of each frame, fed in order until one throws:
//       a list of {"packet":P} (the frame completed a packet), {"none":true} (it did not, e.g.
//       an attachment is still awaited) or {"error":message} (it threw; always the last).
//
// P is {"type","nsp","id"?,"data"?} with every Buffer as {"$binary":"<base64>"}; F is a list of
// {"text":string} or {"binary":"<base64>"}. Random data is what the C++ encoder can reproduce
// byte for byte: object keys in insertion order (socketio::json keeps it, as JavaScript does), no
// lone surrogates, numbers that both JSON.stringify and nlohmann print the same way.

import { createRequire } from "node:module";
import path from "node:path";

const [jsDir, mode, countArg, seedArg] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(jsDir), "package.json"));
const { Encoder, Decoder, PacketType } = require("socket.io-parser");

// mulberry32: a small seeded PRNG, so a failing vector can be reproduced from its seed.
let state = Number(seedArg) >>> 0;
function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];

const alphabet = [
    "a", "b", "z", "A", "0", "9", " ", "_", "-", ",", "/", "[", "]", "{", "}", ":", '"', "\\",
    "\n", "\t", "\u0001", "\u001f", "\u007f", "é", "ß", "日", "本", "😀", "\u2028", "\ufffd",
];
function randomString(max = 12) {
    let s = "";
    for (let i = int(max); i > 0; i--) s += pick(alphabet);
    return s;
}

function randomNumber() {
    switch (int(4)) {
        case 0: return int(1000);
        case 1: return -int(1000000);
        case 2: return Math.round((random() - 0.5) * 1e6) / 1000; // e.g. -123.456
        default: return int(2 ** 31) * 4096; // large, still exact in a double
    }
}

let binaries = 0;
function randomValue(depth, allowBinary) {
    const choice = int(depth > 3 ? 6 : 9);
    switch (choice) {
        case 0: return null;
        case 1: return random() < 0.5;
        case 2: return randomNumber();
        case 3: case 4: return randomString();
        case 5:
            if (allowBinary && binaries < 10) {
                binaries++;
                return Buffer.from(Array.from({ length: int(20) }, () => int(256)));
            }
            return randomString();
        case 6: case 7: return Array.from({ length: int(4) }, () => randomValue(depth + 1, allowBinary));
        default: return randomObject(depth + 1, allowBinary);
    }
}

function randomObject(depth, allowBinary) {
    // No all-digit keys: JavaScript orders those first whatever the insertion order.
    const keys = new Set(
        Array.from({ length: int(4) }, () => randomString(6)).filter((k) => !/^\d+$/.test(k)),
    );
    const object = {};
    for (const key of keys) object[key] = randomValue(depth, allowBinary);
    return object;
}

const reserved = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

function randomPacket() {
    binaries = 0;
    const nsp = random() < 0.5 ? "/" : "/" + randomString(8).replace(/,/g, "");
    const type = pick([0, 0, 1, 2, 2, 2, 2, 3, 3, 4]);
    const packet = { type, nsp };
    if (type === PacketType.CONNECT) {
        if (random() < 0.7) packet.data = randomObject(1, false);
    } else if (type === PacketType.EVENT) {
        let name = random() < 0.1 ? int(100) : randomString(10);
        if (reserved.includes(name)) name = "x" + name;
        packet.data = [name, ...Array.from({ length: int(4) }, () => randomValue(1, true))];
        if (random() < 0.5) packet.id = int(100000);
    } else if (type === PacketType.ACK) {
        packet.data = Array.from({ length: int(4) }, () => randomValue(1, true));
        packet.id = int(100000);
    } else if (type === PacketType.CONNECT_ERROR) {
        packet.data =
            random() < 0.8 ? { data: randomValue(2, false), message: randomString() } : randomString();
    }
    return packet;
}

// JSON with Buffers as {"$binary": base64} (a replacer sees Buffers already turned into
// {"type":"Buffer",...} by their toJSON, so convert before stringifying).
function portable(value) {
    if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value).toString("base64") };
    if (Array.isArray(value)) return value.map(portable);
    if (value !== null && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) out[k] = portable(v);
        return out;
    }
    return value;
}
const portableFrames = (frames) =>
    frames.map((f) => (typeof f === "string" ? { text: f } : { binary: Buffer.from(f).toString("base64") }));

function portablePacket(packet) {
    const out = { type: packet.type, nsp: packet.nsp };
    if (packet.id !== undefined) out.id = packet.id;
    if (packet.data !== undefined) out.data = portable(packet.data);
    return out;
}

const mutationAlphabet = ["[", "]", "{", "}", '"', ",", "-", "/", ":", "0", "1", "5", "9", "a", "_", "\\"];

function mutate(frames) {
    frames = frames.slice();
    const kind = int(8);
    if (kind === 0) return frames; // unchanged
    if (kind === 1 && frames.length > 1) {
        frames.splice(1 + int(frames.length - 1), 1); // drop an attachment
        return frames;
    }
    if (kind === 2 && frames.length > 1) {
        frames.push(frames.shift()); // binary first, header last
        return frames;
    }
    if (kind === 3) {
        frames.push(frames[int(frames.length)]); // a repeated frame
        return frames;
    }
    // By code point, so a mutation never splits a surrogate pair (the frame stays valid UTF-8,
    // as a WebSocket text frame must be).
    const text = Array.from(frames[0]);
    const at = int(text.length + 1);
    switch (kind) {
        case 4: text.splice(at); break;
        case 5: text.splice(at, 1); break;
        case 6: text.splice(at, 0, pick(mutationAlphabet)); break;
        default: text.splice(at, 1, pick(mutationAlphabet)); break;
    }
    frames[0] = text.join("");
    return frames;
}

function decodeAll(frames) {
    const decoder = new Decoder();
    let decoded = null;
    decoder.on("decoded", (p) => (decoded = p));
    const steps = [];
    for (const frame of frames) {
        decoded = null;
        try {
            decoder.add(frame);
        } catch (err) {
            steps.push({ error: err.message });
            break;
        }
        steps.push(decoded ? { packet: portablePacket(decoded) } : { none: true });
    }
    return steps;
}

const encoder = new Encoder();
const count = Number(countArg);
for (let i = 0; i < count; i++) {
    const packet = randomPacket();
    const frames = encoder
        .encode(structuredClone(packet))
        .map((f) => (typeof f === "string" ? f : Buffer.from(f)));
    if (mode === "encode") {
        process.stdout.write(JSON.stringify({ packet: portablePacket(packet), frames: portableFrames(frames) }) + "\n");
    } else {
        const mutated = mutate(frames);
        process.stdout.write(JSON.stringify({ frames: portableFrames(mutated), result: decodeAll(mutated) }) + "\n");
    }
}
