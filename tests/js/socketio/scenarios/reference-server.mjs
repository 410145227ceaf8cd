// The "scenario app" on the REFERENCE server (Node's socket.io): the handlers every client
// scenario in this folder (and tests/py/) expects. Our server runs the same app in
// tests/integration/socketio/scenario_app.cpp; a scenario that passes here and fails there shows
// a bug in our server, not in the script. validate-reference.mjs runs every scenario against it.
//
//   node socketio/scenarios/reference-server.mjs [--any-namespace] [--connect-timeout MS] [--msgpack]
//
// Listens on 127.0.0.1 port 0 and prints {"event":"listening","port":N}. Engine.IO:
// pingInterval 2000 ms, pingTimeout 2000 ms, CORS "*".
//
// Namespaces "/", "/admin", "/chat" and "/errors" all have these handlers:
//   connect (auth)        auth.refuse == "false" -> refused, message "Connection rejected by server"
//                         auth.refuse == "throw" -> refused, message "not authorized",
//                                                   data {"code":4001,"hint":"bad token"}
//   "whoami"              ack {sid, nsp, auth, token: query.token|null, custom: header x-custom|null,
//                         flavor: cookie "flavor"|null, address, transport}
//   "echo" (...args)      ack(...args)                   (any number of arguments, binary too)
//   "echo-emit" (...args) emit("echo-back", ...args)
//   "message" (data)      send(data)  (the "message" event back)
//   "ack-none"            ack()         "ack-one"  ack("one")       "ack-tuple" ack(7, "seven")
//   "ack-many"            ack(1, "two", {"three":3}, [4], null, true)
//   "ack-binary"          ack(<01 02 03>, {"nested":{"buf":<04 05>,"list":[<06>]}})
//   "sum" (a, b)          ack(a + b)    "greet" (name)  ack("hello " + name)
//   "point-sum" ({x,y})   ack(x + y)    (a typed handler on our server)
//   any other event       the catch-all: ack("caught", event, ...args)
//   "ask" (event, payload)          emit(event, payload) with an ack callback; then
//                                   emit("ask-result", {"ok":true,"args":[ack args]})
//   "ask-timeout" (event, ms)       the same with a timeout of ms: on expiry
//                                   emit("ask-result", {"ok":false,"error":"timeout"})
//   "ask-co" (event, payload)       from a coroutine: awaits the client's ack of emit(event,
//                                   payload) and acks {"ok":true,"args":[ack args]}
//   "join" (room) / "leave" (room)  ack(sorted rooms of the socket)
//   "my-rooms"                      ack(sorted rooms of the socket)
//   "room-members" (room)           ack(sorted sids in the room)
//   "to-rooms" (rooms, payload)     every socket in any of rooms gets "room-msg" payload
//   "to-rooms-except" (rooms, except, payload)   the same minus those in any room of except
//   "to-room-from-me" (room, payload)            socket.to(room): the room minus the sender
//   "to-all" (payload)              the whole namespace gets "room-msg"
//   "broadcast" (payload)           socket.broadcast: the namespace minus the sender
//   "close-room" (room)             every socket leaves room; ack()
//   "disconnect-me"                 socket.disconnect()
//   "close-me"                      socket.disconnect(true)
//   "throw" (...args)               throws Error("boom"): on "/errors" the namespace's error
//                                   handler emits "error-handled" {event, what, args}; elsewhere
//                                   the server default handler emits "default-error-handled"
//                                   {event, what}
//   "session-set" (key, value)      session[key] = value; ack()
//   "session-get"                   ack(session)  ({} at first)
//   "transport"                     ack(the transport name of the socket's connection)
//   "burst" (n)                     from another thread: emit("seq", i) for i in 0..n-1, then
//                                   emit("seq-done", n)
//   "slow" (ms)                     ack("slow-done") after ms (our server: a blocking sleep)
//   "fast"                          ack("fast-done")
//   "relay-object" (object)         emit("relayed", object) and ack(object) (key order kept)
// "/guarded": a middleware refuses clients without auth.key (message "no key", data {code: 401})
//   and keeps auth.user in the socket's data; "guard-data" counts checks and acks {user, checks}.
// "/slow": a middleware that takes 200 ms refuses auth.token != "good" ("bad token"); the connect
//   handler emits "welcome" (token).
// --any-namespace: any other namespace is accepted too (with no handlers).
// --msgpack: the msgpack parser (socket.io-msgpack-parser) instead of the default one.
// --ticks N: once two clients are connected to "/", emit "tick" 0..N-1 then "tick-done" N to "/"
//   (the C++ test does this from a thread of its own).

import http from "node:http";
import { Server } from "socket.io";
import msgpackParser from "socket.io-msgpack-parser";

const argv = process.argv.slice(2);
const anyNamespace = argv.includes("--any-namespace");
const timeoutIndex = argv.indexOf("--connect-timeout");
const connectTimeout = timeoutIndex >= 0 ? Number(argv[timeoutIndex + 1]) : 45000;
const ticksIndex = argv.indexOf("--ticks");
const ticks = ticksIndex >= 0 ? Number(argv[ticksIndex + 1]) : 0;
const msgpack = argv.includes("--msgpack");

const httpServer = http.createServer((req, res) => {
    res.writeHead(404);
    res.end();
});
const io = new Server(httpServer, {
    pingInterval: 2000,
    pingTimeout: 2000,
    connectTimeout,
    cors: { origin: "*" },
    serveClient: false,
    ...(msgpack ? { parser: msgpackParser } : {}),
});

const sorted = (iterable) => [...iterable].sort();
const known = new Set([
    "whoami", "echo", "echo-emit", "message", "ack-none", "ack-one", "ack-tuple", "ack-many",
    "ack-binary", "sum", "greet", "point-sum", "ask", "ask-timeout", "ask-co", "join", "leave",
    "my-rooms", "room-members", "to-rooms", "to-rooms-except", "to-room-from-me", "to-all",
    "broadcast", "close-room", "disconnect-me", "close-me", "throw", "session-set", "session-get",
    "transport", "burst", "slow", "fast", "relay-object",
]);

function cookie(header, name) {
    for (const part of (header || "").split(";")) {
        const eq = part.indexOf("=");
        if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
    }
    return null;
}

function install(nsp) {
    nsp.use((socket, next) => {
        const auth = socket.handshake.auth || {};
        if (auth.refuse === "false") return next(new Error("Connection rejected by server"));
        if (auth.refuse === "throw") {
            const err = new Error("not authorized");
            err.data = { code: 4001, hint: "bad token" };
            return next(err);
        }
        next();
    });
    nsp.on("connection", (socket) => {
        socket.data = {};
        // Handlers that throw go to the error handler, like our server's on_error.
        const on = (event, fn) =>
            socket.on(event, (...args) => {
                try {
                    fn(...args);
                } catch (err) {
                    const plainArgs = typeof args.at(-1) === "function" ? args.slice(0, -1) : args;
                    if (nsp.name === "/errors") {
                        socket.emit("error-handled", { event, what: err.message, args: plainArgs });
                    } else {
                        socket.emit("default-error-handled", { event, what: err.message });
                    }
                }
            });
        const withAck = (event, fn) =>
            on(event, (...args) => {
                const ack = typeof args.at(-1) === "function" ? args.pop() : () => {};
                fn(ack, ...args);
            });

        withAck("whoami", (ack) => {
            const h = socket.handshake;
            ack({
                sid: socket.id,
                nsp: nsp.name,
                auth: h.auth,
                token: h.query.token ?? null,
                custom: h.headers["x-custom"] ?? null,
                flavor: cookie(h.headers.cookie, "flavor"),
                address: h.address.replace(/^::ffff:/, ""),
                transport: socket.conn.transport.name,
            });
        });
        withAck("echo", (ack, ...args) => ack(...args));
        withAck("relay-object", (ack, message) => {
            socket.emit("relayed", message);
            ack(message);
        });
        on("echo-emit", (...args) => {
            if (typeof args.at(-1) === "function") args.pop();
            socket.emit("echo-back", ...args);
        });
        on("message", (data) => socket.send(data));
        withAck("ack-none", (ack) => ack());
        withAck("ack-one", (ack) => ack("one"));
        withAck("ack-tuple", (ack) => ack(7, "seven"));
        withAck("ack-many", (ack) => ack(1, "two", { three: 3 }, [4], null, true));
        withAck("ack-binary", (ack) =>
            ack(Buffer.from([1, 2, 3]), {
                nested: { buf: Buffer.from([4, 5]), list: [Buffer.from([6])] },
            }),
        );
        withAck("sum", (ack, a, b) => ack(a + b));
        withAck("greet", (ack, name) => ack("hello " + name));
        withAck("point-sum", (ack, p) => ack(p.x + p.y));
        socket.onAny((event, ...args) => {
            if (known.has(event)) return;
            const ack = typeof args.at(-1) === "function" ? args.pop() : () => {};
            ack("caught", event, ...args);
        });

        on("ask", (event, payload) =>
            socket.emit(event, payload, (...args) => socket.emit("ask-result", { ok: true, args })),
        );
        on("ask-timeout", (event, ms) =>
            socket.timeout(ms).emit(event, "please ack", (err, ...args) =>
                socket.emit("ask-result", err ? { ok: false, error: "timeout" } : { ok: true, args }),
            ),
        );
        withAck("ask-co", async (ack, event, payload) => {
            const args = await new Promise((resolve) =>
                socket.emit(event, payload, (...a) => resolve(a)),
            );
            ack({ ok: true, args });
        });

        withAck("join", (ack, room) => {
            socket.join(room);
            ack(sorted(socket.rooms));
        });
        withAck("leave", (ack, room) => {
            socket.leave(room);
            ack(sorted(socket.rooms));
        });
        withAck("my-rooms", (ack) => ack(sorted(socket.rooms)));
        withAck("room-members", (ack, room) => ack(sorted(nsp.adapter.rooms.get(room) || [])));
        withAck("to-rooms", (ack, rooms, payload) => {
            nsp.to(rooms).emit("room-msg", payload);
            ack();
        });
        withAck("to-rooms-except", (ack, rooms, except, payload) => {
            nsp.to(rooms).except(except).emit("room-msg", payload);
            ack();
        });
        withAck("to-room-from-me", (ack, room, payload) => {
            socket.to(room).emit("room-msg", payload);
            ack();
        });
        withAck("to-all", (ack, payload) => {
            nsp.emit("room-msg", payload);
            ack();
        });
        withAck("broadcast", (ack, payload) => {
            socket.broadcast.emit("room-msg", payload);
            ack();
        });
        withAck("close-room", (ack, room) => {
            nsp.in(room).socketsLeave(room);
            ack();
        });
        on("disconnect-me", () => socket.disconnect());
        on("close-me", () => socket.disconnect(true));
        on("throw", () => {
            throw new Error("boom");
        });
        withAck("session-set", (ack, key, value) => {
            socket.data[key] = value;
            ack();
        });
        withAck("session-get", (ack) => ack(socket.data));
        withAck("transport", (ack) => ack(socket.conn.transport.name));
        on("burst", (n) => {
            setImmediate(() => {
                for (let i = 0; i < n; i++) socket.emit("seq", i);
                socket.emit("seq-done", n);
            });
        });
        withAck("slow", (ack, ms) => setTimeout(() => ack("slow-done"), ms));
        withAck("fast", (ack) => ack("fast-done"));
    });
}

for (const name of ["/", "/admin", "/chat", "/errors"]) install(io.of(name));

// "/guarded": a middleware refuses clients without auth.key and stores the user in socket.data.
const guarded = io.of("/guarded");
guarded.use((socket, next) => {
    const auth = socket.handshake.auth || {};
    if (!("key" in auth)) {
        const err = new Error("no key");
        err.data = { code: 401 };
        return next(err);
    }
    socket.data.user = auth.user ?? "";
    socket.data.checks = 0;
    next();
});
guarded.on("connection", (socket) => {
    socket.on("guard-data", (ack) => {
        socket.data.checks++;
        ack({ user: socket.data.user, checks: socket.data.checks });
    });
});
// "/slow": an asynchronous middleware (200 ms) refuses auth.token != "good"; then "welcome".
const slow = io.of("/slow");
slow.use((socket, next) => {
    setTimeout(() => {
        if ((socket.handshake.auth || {}).token !== "good") return next(new Error("bad token"));
        next();
    }, 200);
});
slow.on("connection", (socket) => socket.emit("welcome", socket.handshake.auth.token));
if (anyNamespace) io.of(/^\/.*/);
if (ticks > 0) {
    // Like the C++ test's own thread: once two clients are on "/", emit ticks to all of "/".
    io.on("connection", () => {
        if (io.of("/").sockets.size !== 2) return;
        setImmediate(() => {
            for (let i = 0; i < ticks; i++) io.emit("tick", i);
            io.emit("tick-done", ticks);
        });
    });
}

httpServer.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ event: "listening", port: httpServer.address().port }) + "\n");
});
for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
        io.close();
        process.exit(0);
    });
}
