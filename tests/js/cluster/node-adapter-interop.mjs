// A Node socket.io server with @socket.io/redis-adapter and one of ours
// (ClusterFormat::node_redis_adapter) on the same Redis act as one cluster: clients on both,
// broadcasts both ways (all, room, except, one sid on the other server, another namespace,
// binary), rooms joined on one seen by the other (fetchSockets, allRooms), socketsJoin /
// socketsLeave / disconnectSockets across, serverSideEmit both ways with acks, broadcasts with
// acks counted across, serverCount agreeing.
// Usage: node cluster/node-adapter-interop.mjs <redis-url> <our-server-url>

import { createServer } from "node:http";
import { Server } from "socket.io";
import { createClient } from "redis";
import { createAdapter } from "@socket.io/redis-adapter";
import { Client, assert, delivered, eventually, main, parseArgs } from "./lib.mjs";

const { redisUrl, ourUrl } = parseArgs();

/** The Node server: the same control protocol as ours (node_cluster_fixture.hpp). */
async function startNodeServer() {
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    const http = createServer();
    const io = new Server(http, { adapter: createAdapter(pub, sub, { requestsTimeout: 4000 }) });
    for (const name of ["/", "/chat"]) {
        const nsp = io.of(name);
        nsp.on("ping", (what, ack) => {
            nsp.local.emit("server-side", "ping", [what]);
            ack({ from: "node", what });
        });
        nsp.on("note", (...args) => nsp.local.emit("server-side", "note", args));
        nsp.on("connection", (socket) => {
            socket.on("do", async (request) => {
                const reply = (value) => socket.emit("result", request.id, value);
                let target = nsp.to(request.rooms ?? []).except(request.except ?? []);
                switch (request.op) {
                    case "join":
                        socket.join(request.room);
                        return reply(true);
                    case "emit":
                        target.emit(request.event, ...request.args);
                        return reply(true);
                    case "emitWithAcks":
                        target.timeout(request.timeout ?? 3000).emit(request.event, ...(request.args ?? []), (err, answers) =>
                            reply({ error: err ? String(err) : "", answers }),
                        );
                        return;
                    case "fetchSockets": {
                        const sockets = await target.fetchSockets();
                        return reply({ error: "", sockets: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms] })) });
                    }
                    case "allRooms":
                        return reply({ error: "", rooms: [...(await nsp.adapter.allRooms())] });
                    case "socketsJoin":
                        target.socketsJoin(request.join);
                        return reply(true);
                    case "socketsLeave":
                        target.socketsLeave(request.leave);
                        return reply(true);
                    case "disconnectSockets":
                        target.disconnectSockets(request.close ?? false);
                        return reply(true);
                    case "serverSideEmit":
                        nsp.serverSideEmit(request.event, ...request.args);
                        return reply(true);
                    case "serverSideEmitWithAck":
                        nsp.serverSideEmit(request.event, ...request.args, (err, answers) =>
                            reply({ error: err ? String(err) : "", answers }),
                        );
                        return;
                    case "serverCount":
                        return reply(await nsp.adapter.serverCount());
                }
                reply({ error: `unknown op ${request.op}` });
            });
        });
    }
    await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
    return { io, url: `http://127.0.0.1:${http.address().port}`, pub, sub };
}

await main(async () => {
    const node = await startNodeServer();

    // Both servers count two: Node asks Redis (PUBSUB NUMSUB of the request channel), ours too.
    await eventually("Node's serverCount() == 2", async () => (await node.io.of("/").adapter.serverCount()) === 2);
    const a1 = await Client.open("a1", ourUrl);
    const a2 = await Client.open("a2", ourUrl);
    const ac = await Client.open("ac", ourUrl, "/chat");
    const n1 = await Client.open("n1", node.url);
    const n2 = await Client.open("n2", node.url);
    const nc = await Client.open("nc", node.url, "/chat");
    await eventually("our server_count() == 2", async () => (await a1.do("serverCount")) === 2);
    assert.equal(await n1.do("serverCount"), 2);

    const everyone = [a1, a2, n1, n2];
    const chat = [ac, nc];
    let markers = 0;
    // A marker sent by `via`'s server after the broadcast under test: one publisher's messages
    // arrive in order, so a client that got the marker would have got the broadcast by then.
    const mark = async (via) => {
        const name = `marker${++markers}`;
        await via.do("emit", { event: name, args: [] });
        await (via === a1 || via === a2 ? ac : nc).do("emit", { event: name, args: [] });
        return name;
    };

    for (const [from, label] of [[n1, "node"], [a1, "ours"]]) {
        // To all, with binary.
        await from.do("emit", { event: `all-${label}`, args: [1, "two", { k: [true, null] }] });
        await delivered(`all-${label}`, [1, "two", { k: [true, null] }], everyone, chat, await mark(from));
        await from.do("emit", { event: `bin-${label}`, args: [Buffer.from([0, 255]), { b: Buffer.from("z") }] });
        for (const c of everyone) {
            const [buffer, object] = await c.got(`bin-${label}`);
            assert.deepEqual([...buffer], [0, 255], `${c.name}: binary from ${label}`);
            assert.deepEqual([...object.b], [...Buffer.from("z")]);
        }
        // Another namespace.
        const chatFrom = from === n1 ? nc : ac;
        await chatFrom.do("emit", { event: `chat-${label}`, args: ["c"] });
        await delivered(`chat-${label}`, ["c"], chat, everyone, await mark(from));
    }

    // Rooms: n1 (Node) and a2 (ours) join "r".
    await n1.do("join", { room: "r" });
    await a2.do("join", { room: "r" });
    for (const [from, label] of [[n2, "node"], [a1, "ours"]]) {
        await from.do("emit", { event: `room-${label}`, rooms: ["r"], args: ["r"] });
        await delivered(`room-${label}`, ["r"], [n1, a2], [a1, n2], await mark(from));
        await from.do("emit", { event: `except-${label}`, except: ["r"], args: [] });
        await delivered(`except-${label}`, [], [a1, n2], [n1, a2], await mark(from));
    }
    // To one sid on the other server.
    await n1.do("emit", { event: "sid-node", rooms: [a1.id], args: [] });
    await delivered("sid-node", [], [a1], [a2, n1, n2], await mark(n1));
    await a1.do("emit", { event: "sid-ours", rooms: [n2.id], args: [] });
    await delivered("sid-ours", [], [n2], [a1, a2, n1], await mark(a1));

    // Rooms seen from the other server: fetchSockets and allRooms.
    const byId = (list) => Object.fromEntries(list.map((s) => [s.id, new Set(s.rooms)]));
    for (const [from, label] of [[n2, "node"], [a1, "ours"]]) {
        const found = await from.do("fetchSockets", { rooms: ["r"] });
        assert.equal(found.error, "", `${label}: fetchSockets`);
        const sockets = byId(found.sockets);
        assert.deepEqual(Object.keys(sockets).sort(), [n1.id, a2.id].sort(), `${label}: sockets in r`);
        assert.ok(sockets[a2.id].has("r") && sockets[a2.id].has(a2.id), `${label}: a2's rooms`);
        assert.ok(sockets[n1.id].has("r") && sockets[n1.id].has(n1.id), `${label}: n1's rooms`);
        const all = await from.do("allRooms");
        assert.equal(all.error, "", `${label}: allRooms`);
        for (const room of ["r", a1.id, a2.id, n1.id, n2.id]) {
            assert.ok(all.rooms.includes(room), `${label}: allRooms has ${room}: ${all.rooms}`);
        }
    }

    // socketsJoin / socketsLeave across: Node makes a1 join "j"; ours makes n2 join "k".
    await n1.do("socketsJoin", { rooms: [a1.id], join: ["j"] });
    await a1.do("socketsJoin", { rooms: [n2.id], join: ["k"] });
    await eventually("a1 in j, n2 in k", async () => {
        const j = await n1.do("fetchSockets", { rooms: ["j"] });
        const k = await a1.do("fetchSockets", { rooms: ["k"] });
        return j.sockets.length === 1 && j.sockets[0].id === a1.id && k.sockets.length === 1 && k.sockets[0].id === n2.id;
    });
    await a2.do("emit", { event: "in-j", rooms: ["j"], args: [] });
    await delivered("in-j", [], [a1], [a2, n1, n2], await mark(a2));
    await n1.do("emit", { event: "in-k", rooms: ["k"], args: [] });
    await delivered("in-k", [], [n2], [a1, a2, n1], await mark(n1));
    await n1.do("socketsLeave", { rooms: ["j"], leave: ["j"] });
    await a1.do("socketsLeave", { rooms: ["k"], leave: ["k"] });
    await eventually("j and k empty", async () => {
        const j = await a2.do("fetchSockets", { rooms: ["j"] });
        const k = await n2.do("fetchSockets", { rooms: ["k"] });
        return j.sockets.length === 0 && k.sockets.length === 0;
    });

    // serverSideEmit both ways, without and with acks.
    await n1.do("serverSideEmit", { event: "note", args: ["from node"] });
    assert.deepEqual(await a1.got("server-side"), ["note", ["from node"]]);
    await a1.do("serverSideEmit", { event: "note", args: ["from ours"] });
    assert.deepEqual(await n1.got("server-side"), ["note", ["from ours"]]);
    {
        const fromNode = await n1.do("serverSideEmitWithAck", { event: "ping", args: [5] });
        assert.equal(fromNode.error, "");
        assert.deepEqual(fromNode.answers, [{ from: "cpp", args: [5] }]);
        const fromOurs = await a1.do("serverSideEmitWithAck", { event: "ping", args: [6] });
        assert.equal(fromOurs.error, "");
        assert.deepEqual(fromOurs.answers, [[{ from: "node", what: 6 }]]);
    }

    // Broadcasts with acks counted across: every client acks "q" with its id.
    {
        const ids = everyone.map((c) => c.id).sort();
        const fromNode = await n1.do("emitWithAcks", { event: "q", timeout: 4000 });
        assert.equal(fromNode.error, "", "Node's timeout().emit got every ack");
        assert.deepEqual([...fromNode.answers].sort(), ids);
        const fromOurs = await a1.do("emitWithAcks", { event: "q", timeout: 4000 });
        assert.equal(fromOurs.error, "", "our emit_with_acks got every ack");
        assert.equal(fromOurs.expected, 4);
        assert.deepEqual(fromOurs.answers.map((args) => args[0]).sort(), ids);
        const toRoom = await n2.do("emitWithAcks", { event: "q", rooms: ["r"], timeout: 4000 });
        assert.deepEqual([...toRoom.answers].sort(), [n1.id, a2.id].sort());
        // One sid on the other server, both ways.
        const toOurs = await n1.do("emitWithAcks", { event: "q", rooms: [a1.id], timeout: 4000 });
        assert.equal(toOurs.error, "");
        assert.deepEqual(toOurs.answers, [a1.id]);
        const toNode = await a1.do("emitWithAcks", { event: "q", rooms: [n2.id], timeout: 4000 });
        assert.equal(toNode.error, "");
        assert.equal(toNode.expected, 1);
        assert.deepEqual(toNode.answers, [[n2.id]]);
    }

    // disconnectSockets across: Node disconnects a2 (ours), ours disconnects n2 (Node's).
    await n1.do("disconnectSockets", { rooms: [a2.id] });
    await a1.do("disconnectSockets", { rooms: [n2.id] });
    await a2.until("a2 disconnected", () => a2.disconnectReason !== null);
    await n2.until("n2 disconnected", () => n2.disconnectReason !== null);
    assert.equal(a2.disconnectReason, "io server disconnect");
    assert.equal(n2.disconnectReason, "io server disconnect");
    assert.equal(a1.disconnectReason, null);
    assert.equal(n1.disconnectReason, null);

    for (const c of [a1, n1, ac, nc]) c.close();
    node.io.close();
    await Promise.all([node.pub.quit().catch(() => {}), node.sub.quit().catch(() => {})]);
});
