// npm's @socket.io/redis-emitter reaches socket.io-client sockets connected to our server
// (ClusterFormat::node_redis_adapter): emit to all, to a room, except a room, another
// namespace, binary arguments, socketsJoin / socketsLeave / disconnectSockets, serverSideEmit.
// Usage: node cluster/emitter-to-our-clients.mjs <redis-url> <our-server-url>

import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";
import { Client, assert, delivered, eventually, main, parseArgs } from "./lib.mjs";

const { redisUrl, ourUrl } = parseArgs();

await main(async () => {
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    const emitter = new Emitter(redis);

    const a = await Client.open("a", ourUrl);
    const b = await Client.open("b", ourUrl);
    const c = await Client.open("c", ourUrl, "/chat");
    await a.do("join", { room: "r1" });
    // Our server subscribed to the namespaces' channels before it took clients; wait until Redis
    // says so (the emitter publishes into the void otherwise).
    await eventually("our server's subscriptions", async () => {
        const counts = await redis.pubSubNumSub(["socket.io-request#/#", "socket.io-request#/chat#"]);
        return Object.values(counts).every((n) => n === 1);
    });

    let marker = 0;
    const mark = () => {
        const name = `marker${++marker}`;
        emitter.emit(name);
        emitter.of("/chat").emit(name);
        return name;
    };

    emitter.emit("all", 1, "two", { three: [3] });
    await delivered("all", [1, "two", { three: [3] }], [a, b], [c], mark());

    emitter.to("r1").emit("room", "r1 only");
    await delivered("room", ["r1 only"], [a], [b, c], mark());

    emitter.except("r1").emit("except");
    await delivered("except", [], [b], [a, c], mark());

    emitter.to(b.id).emit("sid", null);
    await delivered("sid", [null], [b], [a, c], mark());

    emitter.of("/chat").emit("chat", "hello chat");
    await delivered("chat", ["hello chat"], [c], [a, b], mark());

    emitter.emit("binary", Buffer.from([0, 1, 2, 255]), { nested: Buffer.from("xy") });
    {
        const [buffer, object] = await a.got("binary");
        assert.deepEqual([...buffer], [0, 1, 2, 255]);
        assert.deepEqual([...object.nested], [...Buffer.from("xy")]);
    }

    // socketsJoin: b joins "j" (from its sid); then an emit to "j" reaches b only.
    emitter.in(b.id).socketsJoin(["j", "k"]);
    emitter.to("j").emit("in-j");
    await delivered("in-j", [], [b], [a, c], mark());
    emitter.in("j").socketsLeave("j");
    emitter.to("j").emit("in-j-after-leave");
    emitter.to("k").emit("in-k");
    await delivered("in-k", [], [b], [a, c], mark());
    assert.equal(b.all("in-j-after-leave").length, 0);

    // serverSideEmit: our server's on_server_side("note") shows it to its clients.
    emitter.serverSideEmit("note", { from: "emitter" });
    assert.deepEqual(await a.got("server-side"), ["note", [{ from: "emitter" }]]);

    // disconnectSockets to a room.
    emitter.in("r1").disconnectSockets();
    await a.until("a disconnected", () => a.disconnectReason !== null);
    assert.equal(a.disconnectReason, "io server disconnect");
    emitter.emit("after");
    await b.got("after");
    assert.equal(b.disconnectReason, null, "b is not in r1");

    b.close();
    c.close();
    await redis.quit();
});
