// A Socket.IO client that sends a session cookie with its handshake (tests/integration/app/
// sessions_test.cpp). Usage:
//   node app/session-client.mjs <url> <transport: polling|websocket> <cookie header or "">
// Reports JSON lines on stdout:
//   {"event":"connected"} then {"event":"whoami","session":{...}} (the session an event handler
//   sees), {"event":"after_set","session":{...}} (after a handler changed it: it persists on the
//   connection); or {"event":"connect_error","message":"..."} when the server refused it.
import { io } from "socket.io-client";

const [url, transport, cookie] = process.argv.slice(2);
const socket = io(url, {
    transports: [transport],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
    timeout: 5000,
});
const report = (line) => console.log(JSON.stringify(line));
const done = (code) => {
    socket.close();
    process.exit(code);
};
setTimeout(() => {
    console.error("timed out");
    done(3);
}, 10000);

socket.on("connect_error", (err) => {
    report({ event: "connect_error", message: err.message });
    done(0);
});
socket.on("connect", async () => {
    report({ event: "connected" });
    const before = await socket.emitWithAck("whoami");
    report({ event: "whoami", session: before });
    await socket.emitWithAck("set_color", "blue");
    const after = await socket.emitWithAck("whoami");
    report({ event: "after_set", session: after });
    done(0);
});
