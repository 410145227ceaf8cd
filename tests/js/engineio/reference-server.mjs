// The reference: Node's `engine.io` server with the options our tests give engineio::Server, and
// the same message convention as the C++ fixture (see lib.mjs). Used by validate-reference.mjs to
// check that every test script passes against the reference before it judges our server.
//
//   node engineio/reference-server.mjs [--path /engine.io/] [--ping-interval 300]
//        [--ping-timeout 200] [--max-payload 1000000] [--transports polling,websocket]
//        [--no-upgrades] [--upgrade-timeout ms] [--cors a,b|*] [--no-cors-credentials] [--cookie name,path]
//        [--no-compression] [--tls-cert cert.pem --tls-key key.pem] [--push-on-connect N]
//
// --push-on-connect N stands in for the C++ test pushing with Server::send(): 300 ms after a
// session opens it sends "pushed-0".."pushed-<N-1>" and a binary [7,7,7].
//
// Prints {"event":"listening","port":N} on stdout once it listens on 127.0.0.1 (port 0).

import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { Server } from "engine.io";

const args = process.argv.slice(2);
function flag(name, fallback) {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    return args[i + 1];
}
const has = (name) => args.includes(name);

const path = flag("--path", "/engine.io/");
const cors = flag("--cors");
const cookie = flag("--cookie");
const options = {
    pingInterval: Number(flag("--ping-interval", 25000)),
    pingTimeout: Number(flag("--ping-timeout", 20000)),
    maxHttpBufferSize: Number(flag("--max-payload", 1e6)),
    transports: flag("--transports", "polling,websocket").split(","),
    allowUpgrades: !has("--no-upgrades"),
    upgradeTimeout: Number(flag("--upgrade-timeout", 10000)),
    httpCompression: has("--no-compression") ? false : { threshold: 1024 },
    allowRequest: (req, callback) => {
        const refused = new URL(req.url, "http://x").searchParams.get("refuse") === "1";
        callback(refused ? "Forbidden" : null, !refused);
    },
};
if (cors) {
    options.cors = {
        origin: cors === "*" ? true : cors.split(","),
        credentials: !has("--no-cors-credentials"),
    };
}
if (cookie) {
    const [name, cookiePath] = cookie.split(",");
    options.cookie = { name, path: cookiePath, httpOnly: true, sameSite: "lax" };
}

const handler = (req, res) => {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
};
const tlsCert = flag("--tls-cert");
const server = tlsCert
    ? https.createServer({ cert: fs.readFileSync(tlsCert), key: fs.readFileSync(flag("--tls-key")) }, handler)
    : http.createServer(handler);

const engine = new Server(options);
engine.attach(server, { path });
const pushCount = Number(flag("--push-on-connect", 0));
engine.on("connection", (socket) => {
    if (pushCount > 0) {
        setTimeout(() => {
            for (let i = 0; i < pushCount; i++) socket.send(`pushed-${i}`);
            socket.send(Buffer.from([7, 7, 7]));
        }, 300);
    }
    socket.on("message", (data) => {
        if (typeof data === "string" && data.startsWith("cmd:")) {
            const [, command, arg] = data.split(":");
            if (command === "burst") {
                for (let i = 0; i < Number(arg); i++) socket.send(`m${i}`);
            } else if (command === "big") {
                socket.send("x".repeat(Number(arg)));
            } else if (command === "close") {
                socket.close();
            } else if (command === "stop") {
                setImmediate(() => engine.close());
            }
            return;
        }
        socket.send(data);
    });
});

server.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ event: "listening", port: server.address().port }) + "\n");
});
