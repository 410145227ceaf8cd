// Connects to <server-url> with socket.io-client over WebSocket, reports {"event":"connected"},
// then waits for the server to end the connection and reports {"event":"disconnect","reason":…}.
// Exits 0 after the disconnect, 1 if it cannot connect or nothing happens within 15 s.
// Used by run_stops_on_signal_test.cpp: the server stops on a signal while this client is on.
//
//   node socketio/wait-for-disconnect.mjs <server-url>
import { io } from "socket.io-client";

const url = process.argv[2];
if (!url) {
    console.error("usage: node wait-for-disconnect.mjs <server-url>");
    process.exit(2);
}
const report = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));

const timer = setTimeout(() => {
    console.error("no disconnect within 15 s");
    process.exit(1);
}, 15000);
const socket = io(url, { transports: ["websocket"], reconnection: false });
socket.on("connect", () => report("connected", { sid: socket.id }));
socket.on("connect_error", (error) => {
    console.error(`connect_error: ${error.message}`);
    process.exit(1);
});
socket.on("disconnect", (reason) => {
    report("disconnect", { reason });
    clearTimeout(timer);
});
