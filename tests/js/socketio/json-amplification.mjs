// Peak RSS of a running Socket.IO server before and after ONE large packet of small JSON values
// (issue 10, defect 7). Not a test: a measurement to quote.
//
//   build/debug/examples/socketio_echo/socketio_echo --port 5071 & pid=$!
//   node tests/js/socketio/json-amplification.mjs $pid 5071 obj   # [{},{},…]  (arr: [[],…], num: [0,…])
//   kill $pid
//
// Connects a raw WebSocket to "/", reads VmHWM of <pid>, sends 42["x",{},{},…] of ~990 KB (under
// the default engine.limits.max_payload of 1 MB), waits 1.5 s and prints the growth of the peak
// and whether the server closed the connection (it does when the packet is over
// limits.max_values_per_packet).
import fs from "node:fs";
import WebSocket from "ws";

const [pid, port, kind = "obj", sizeArg] = process.argv.slice(2);
if (!pid || !port) {
    console.error("usage: node json-amplification.mjs <server-pid> <port> [obj|arr|num] [bytes]");
    process.exit(2);
}
const size = Number(sizeArg || 990000);
const status = (key) =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
const unit = { obj: "{},", arr: "[],", num: "0," }[kind];
const packet = `42["x",${unit.repeat(Math.floor((size - 20) / unit.length))}{}]`;

const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
ws.on("message", (data) => data.toString() === "2" && ws.send("3"));
let closed = false;
ws.on("close", () => (closed = true));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await new Promise((resolve) => ws.once("open", resolve));
ws.send("40");
await sleep(300);
const before = status("VmHWM");
ws.send(packet);
await sleep(1500);
const after = status("VmHWM");
console.log(JSON.stringify({
    kind, bytes: packet.length, peak_before_kib: before, peak_after_kib: after,
    peak_growth_mib: +((after - before) / 1024).toFixed(1), closed_by_server: closed,
}));
ws.close();
process.exit(0);
