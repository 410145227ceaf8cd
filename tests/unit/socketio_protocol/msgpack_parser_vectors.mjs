// Test vectors from the reference implementation, socket.io-msgpack-parser (the npm package in
// tests/js, on notepack.io), for msgpack_parser_conformance_test.cpp.
//
//   node msgpack_parser_vectors.mjs <tests/js dir> encode <count> <seed>
//       One JSON line per random packet: {"packet":P,"frame":B} where B is what the npm Encoder
//       produced for P, built as socket.io's broadcasts build it: {type, data, nsp, id}.
//   node msgpack_parser_vectors.mjs <tests/js dir> decode <count> <seed>
//       One JSON line per input: {"frame":B,"result":R} where B is a random packet as
//       socket.io-client sends it (with its "options" member, undefined, typed arrays, Dates),
//       often mutated (truncated, a byte deleted, inserted or replaced), and R what the npm
//       Decoder made of it: {"packet":P}, or {"error":message} with, when the bytes were msgpack
//       but not a valid packet, "raw": the decoded value; and "nonStringKey": true when a map
//       key in B is not a string.
//
// P is {"type","nsp","id"?,"data"?} with Buffers and ArrayBuffers as {"$binary":"<base64>"},
// Dates as {"$date": toJSON()}, numbers that JSON cannot hold as {"$float":"NaN"|"Infinity"|
// "-Infinity"}, and undefined as JSON.stringify leaves it (null in an array, no key in an object);
// B is base64.

import { createRequire } from "node:module";
import path from "node:path";

const [jsDir, mode, countArg, seedArg] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(jsDir), "package.json"));
const { Encoder, Decoder } = require("socket.io-msgpack-parser");

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

const decodeMode = mode === "decode";
const alphabet = [
    "a", "b", "z", "A", "0", "9", " ", "_", "-", ",", "/", "[", "]", "{", "}", ":", '"', "\\",
    "\n", "\t", "\u0001", "\u001f", "\u007f", "é", "ß", "日", "本", "😀", "\u2028", "\ufffd",
];
function randomString(max = 12) {
    let s = "";
    for (let i = int(max); i > 0; i--) s += pick(alphabet);
    if (random() < 0.05) s += "x".repeat(30 + int(300)); // str 8 / str 16 headers
    return s;
}

function randomNumber() {
    switch (int(decodeMode ? 7 : 5)) {
        case 0: return int(1000);
        case 1: return -int(1000000);
        case 2: {
            const v = Math.round((random() - 0.5) * 1e6) / 1000; // e.g. -123.456
            return Number.isInteger(v) ? v + 0.5 : v;
        }
        case 3: return int(2 ** 31) * 4096; // large, still exact in a double
        case 4: return pick([127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769]);
        case 5: return pick([NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 40)]);
        default: return pick([1.5, 2.0, 1e300]);
    }
}

function randomBinary() {
    const bytes = Array.from({ length: pick([0, 1, 2, 4, 8, 16, int(20), 300]) }, () => int(256));
    if (!decodeMode) return Buffer.from(bytes);
    switch (int(3)) {
        case 0: return Buffer.from(bytes);
        case 1: return new Uint8Array(bytes); // ext type 0
        default: return new Uint8Array(bytes).buffer; // ext type 0
    }
}

function randomValue(depth) {
    const choice = int(depth > 3 ? 7 : 10);
    switch (choice) {
        case 0: return null;
        case 1: return random() < 0.5;
        case 2: return randomNumber();
        case 3: case 4: return randomString();
        case 5: return randomBinary();
        case 6:
            if (!decodeMode) return randomString();
            return pick([undefined, new Date(int(2 ** 42) - 2 ** 41), new Date(8.64e15), randomString()]);
        case 7: case 8: return Array.from({ length: pick([0, 1, 3, 16]) }, () => randomValue(depth + 1));
        default: return randomObject(depth + 1);
    }
}

function randomObject(depth) {
    // No all-digit keys: JavaScript orders those first whatever the insertion order.
    const keys = new Set(
        Array.from({ length: pick([0, 1, 3, 16]) }, () => randomString(6)).filter((k) => !/^\d+$/.test(k)),
    );
    const object = {};
    for (const key of keys) object[key] = randomValue(depth);
    return object;
}

const reserved = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

function randomNamespace() {
    if (decodeMode && random() < 0.1) return pick(["", "admin", "/a,b", "/x,"]);
    return random() < 0.5 ? "/" : "/" + randomString(8).replace(/,/g, "");
}

// A packet as the npm code builds it: socket.io's broadcasts {type, data, nsp, id}, or (decode)
// socket.io-client's {type, data, options, id, nsp}.
function randomPacket() {
    const nsp = randomNamespace();
    const type = pick([0, 0, 1, 2, 2, 2, 2, 3, 3, 4]);
    let data;
    let id;
    if (type === 0) {
        data = random() < 0.7 ? randomObject(1) : undefined;
    } else if (type === 2) {
        let name = random() < 0.1 ? int(100) : randomString(10);
        if (reserved.includes(name) && random() < 0.7) name = "x" + name;
        data = [name, ...Array.from({ length: int(5) }, () => randomValue(1))];
        if (random() < 0.5) id = int(100000);
    } else if (type === 3) {
        data = Array.from({ length: int(4) }, () => randomValue(1));
        id = pick([int(100000), int(100000), 2 ** 40]);
    } else if (type === 4) {
        data = random() < 0.8 ? { message: randomString(), data: randomValue(2) } : randomString();
    }
    if (decodeMode && id !== undefined && random() < 0.1) id = pick([-1, 1.5, "7", null]);
    if (!decodeMode) {
        const packet = { type };
        if (data !== undefined) packet.data = data;
        packet.nsp = nsp;
        if (id !== undefined) packet.id = id;
        return packet;
    }
    const packet = { type, data }; // data: undefined is written (fixext 1), as the client does
    if (type === 2) packet.options = { compress: true };
    if (id !== undefined) packet.id = id;
    packet.nsp = nsp;
    return packet;
}

// JSON with the values JSON cannot carry marked (see the header).
function portable(value) {
    if (value === undefined) return null;
    if (typeof value === "number" && !Number.isFinite(value)) return { $float: String(value) };
    if (value instanceof Date) return { $date: value.toJSON() };
    if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) {
        return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
    }
    if (Array.isArray(value)) return value.map(portable);
    if (value !== null && typeof value === "object") {
        const out = {};
        for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = portable(v);
        return out;
    }
    return value;
}

function portablePacket(packet) {
    const out = { type: portable(packet.type), nsp: portable(packet.nsp) };
    if (packet.id !== undefined) out.id = portable(packet.id);
    if (packet.data !== undefined) out.data = portable(packet.data);
    return out;
}

// Whether a map key in `buf` is not a string (notepack.io takes any key; a walk of the bytes
// that stops, saying nothing, where the bytes end or make no sense).
function hasNonStringKey(buf) {
    let o = 0;
    let found = false;
    const isString = (p) => (p >= 0xa0 && p <= 0xbf) || p === 0xd9 || p === 0xda || p === 0xdb;
    const u16 = () => buf.readUInt16BE(o);
    const u32 = () => buf.readUInt32BE(o);
    function skip(depth) {
        if (depth > 200 || o >= buf.length) throw new Error("end");
        const p = buf[o++];
        if (p < 0x80 || p >= 0xe0) return;
        if (p < 0x90) return map(p & 0x0f, depth);
        if (p < 0xa0) return array(p & 0x0f, depth);
        if (p < 0xc0) return void (o += p & 0x1f);
        const fixed = { 0xc0: 0, 0xc2: 0, 0xc3: 0, 0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8,
            0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8, 0xd4: 2, 0xd5: 3, 0xd6: 5, 0xd7: 9, 0xd8: 17 };
        if (p in fixed) return void (o += fixed[p]);
        switch (p) {
            case 0xc4: case 0xd9: return void (o += 1 + buf[o]);
            case 0xc5: case 0xda: return void (o += 2 + u16());
            case 0xc6: case 0xdb: return void (o += 4 + u32());
            case 0xc7: return void (o += 2 + buf[o]);
            case 0xc8: return void (o += 3 + u16());
            case 0xc9: return void (o += 5 + u32());
            case 0xdc: { const n = u16(); o += 2; return array(n, depth); }
            case 0xdd: { const n = u32(); o += 4; return array(n, depth); }
            case 0xde: { const n = u16(); o += 2; return map(n, depth); }
            case 0xdf: { const n = u32(); o += 4; return map(n, depth); }
        }
        throw new Error("bad byte");
    }
    function array(n, depth) {
        for (let i = 0; i < n; i++) skip(depth + 1);
    }
    function map(n, depth) {
        for (let i = 0; i < n; i++) {
            if (o < buf.length && !isString(buf[o])) found = true;
            skip(depth + 1);
            skip(depth + 1);
        }
    }
    try {
        skip(0);
    } catch {
        // bytes that end early or make no sense: what was found so far
    }
    return found;
}

const interesting = [0x00, 0x7f, 0x80, 0x81, 0x90, 0x91, 0xa0, 0xa1, 0xc0, 0xc1, 0xc2, 0xc4, 0xc7,
    0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd7, 0xd9, 0xdc, 0xde, 0xdf, 0xe0, 0xff];

function mutate(buf) {
    const bytes = [...buf];
    const at = int(bytes.length + 1);
    const byte = random() < 0.5 ? int(256) : pick(interesting);
    switch (int(6)) {
        case 0: case 1: break; // unchanged
        case 2: bytes.splice(at); break;
        case 3: bytes.splice(at, 1); break;
        case 4: bytes.splice(at, 0, byte); break;
        default: bytes.splice(at, 1, byte); break;
    }
    return Buffer.from(bytes);
}

function decodeOne(buf) {
    const decoder = new Decoder();
    let decoded = null;
    decoder.on("decoded", (p) => (decoded = p));
    try {
        decoder.add(buf);
    } catch (err) {
        const result = { error: err.message };
        if (hasNonStringKey(buf)) result.nonStringKey = true;
        try {
            const raw = require("notepack.io").decode(buf);
            result.raw = raw !== null && typeof raw === "object" && !Array.isArray(raw) &&
                !(raw instanceof Date) && !ArrayBuffer.isView(raw) ? portablePacket(raw) : portable(raw);
        } catch {
            // not msgpack at all
        }
        return result;
    }
    const result = { packet: portablePacket(decoded) };
    if (hasNonStringKey(buf)) result.nonStringKey = true;
    return result;
}

const encoder = new Encoder();
const count = Number(countArg);
for (let i = 0; i < count; i++) {
    const packet = randomPacket();
    const [frame] = encoder.encode(packet);
    if (mode === "encode") {
        process.stdout.write(JSON.stringify({ packet: portablePacket(packet), frame: Buffer.from(frame).toString("base64") }) + "\n");
    } else {
        const mutated = mutate(Buffer.from(frame));
        process.stdout.write(JSON.stringify({ frame: mutated.toString("base64"), result: decodeOne(mutated) }) + "\n");
    }
}
