// A socket.io-client client of a cluster server that reports every event it receives, for the
// Emitter's and the interop tests (tests/integration/redis).
//
//   node emitter/listen.mjs <server-url> <namespace> <rooms,comma,separated|-> <events-to-wait-for>
//
// Connects over WebSocket to <namespace>, asks the server to join the rooms ("join" event, acked
// with the socket's sid), prints {"event":"ready","sid":…}, then one line per event received:
// {"event":"got","name":…,"args":[…]} (binary arguments as {"binary":[bytes]}). Exits 0 once
// <events-to-wait-for> events arrived and no other arrived within 300 ms after (so a duplicate
// would be seen), 1 on a connect error or when 15 s pass first.
import { io } from "socket.io-client";

const [url, nsp, roomList, wanted] = process.argv.slice(2);
if (!url || !nsp || !roomList || !wanted) {
    console.error("usage: node listen.mjs <server-url> <namespace> <rooms|-> <count>");
    process.exit(2);
}
const rooms = roomList === "-" ? [] : roomList.split(",");
const count = Number(wanted);
const report = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));
const plain = (value) => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
        return { binary: Array.from(new Uint8Array(value.buffer ?? value, value.byteOffset ?? 0,
                                                   value.byteLength)) };
    }
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
};

const timer = setTimeout(() => {
    console.error(`timed out: ${received} of ${count} events`);
    process.exit(1);
}, 15000);
let received = 0;
let quiet;
const socket = io(url + (nsp === "/" ? "" : nsp), { transports: ["websocket"], reconnection: false });
socket.on("connect_error", (error) => {
    console.error(`connect_error: ${error.message}`);
    process.exit(1);
});
socket.on("connect", async () => {
    const sid = await socket.emitWithAck("join", rooms);
    report("ready", { sid });
    if (count === 0) finish();
});
socket.onAny((name, ...args) => {
    const last = args[args.length - 1];
    if (typeof last === "function") {
        // An event that asks for an ack: answer with what it carried, so the test sees it back.
        args.pop();
        last({ answered: name, args: plain(args) });
    }
    report("got", { name, args: plain(args) });
    if (++received >= count) finish();
});
socket.on("disconnect", (reason) => report("disconnect", { reason }));

function finish() {
    clearTimeout(quiet);
    quiet = setTimeout(() => {
        clearTimeout(timer);
        socket.close();
        process.exit(0);
    }, 300);
}
