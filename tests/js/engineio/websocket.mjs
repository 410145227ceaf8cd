// WebSocket transport opened directly (no polling first).
import { STRICT, assert, openPolling, openWebSocket, poll, parseArgs, report, runScenario, sleep } from "./lib.mjs";

const scenarios = {
    // Text and binary frames are echoed exactly; binary goes as a binary frame without prefix.
    async echo(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("4hello");
        assert.equal(await socket.nextNonPing(), "4hello");
        socket.send("4");
        assert.equal(await socket.nextNonPing(), "4");
        socket.send(Buffer.from([1, 2, 3, 4]));
        assert.deepEqual(await socket.nextNonPing(), Buffer.from([1, 2, 3, 4]));
        socket.send(Buffer.alloc(0));
        assert.deepEqual(await socket.nextNonPing(), Buffer.alloc(0));
        socket.send("4é✓ unicode");
        assert.equal(await socket.nextNonPing(), "4é✓ unicode");
        socket.send("4cmd:burst:3");
        for (let i = 0; i < 3; i++) assert.equal(await socket.nextNonPing(), `4m${i}`);
        socket.close();
        await socket.waitClose();
    },
    // Short ping interval: the server PINGs repeatedly; a client answering PONG stays connected
    // well past pingInterval + pingTimeout.
    async heartbeat(base, { pingInterval, pingTimeout, pings = 4 }) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        const started = Date.now();
        for (let i = 0; i < pings; i++) {
            const message = await socket.next(pingInterval + pingTimeout + 2000);
            assert.equal(message, "2", `PING #${i}`);
            socket.send("3");
        }
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= (pings - 1) * pingInterval * 0.8, `${pings} PINGs took ${elapsed} ms`);
        report("pings", { count: pings, elapsed_ms: elapsed });
        socket.send("4still-here");
        assert.equal(await socket.nextNonPing(), "4still-here");
        socket.close();
        await socket.waitClose();
    },
    // Messages the application pushes (Server::send from another thread) arrive in order:
    // waits for "4pushed-0".."4pushed-<count-1>" then a binary [7,7,7].
    async await_push(base, { count = 3 }) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        for (let i = 0; i < count; i++) assert.equal(await socket.nextNonPing(8000), `4pushed-${i}`);
        assert.deepEqual(await socket.nextNonPing(8000), Buffer.from([7, 7, 7]));
        socket.close();
        await socket.waitClose();
    },
    // A frame over maxPayload closes the connection (the reference uses close code 1009,
    // "message too big"); a frame at the limit is fine.
    async oversized(base, { maxPayload }) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        assert.equal(handshake.maxPayload, maxPayload);
        const atLimit = "4" + "a".repeat(maxPayload - 1);
        socket.send(atLimit);
        assert.equal(await socket.nextNonPing(), atLimit);
        socket.send("4" + "a".repeat(maxPayload * 2));
        const closed = await socket.waitClose();
        report("closed", closed);
        if (STRICT) assert.equal(closed.code, 1009, "close code message too big");
    },
    // The client sends CLOSE: the server closes the WebSocket. (The Node reference ignores CLOSE
    // over WebSocket and only drops the client at its ping timeout, so it is validated with short
    // ping intervals.)
    async client_close(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("1");
        await socket.waitClose(3000);
    },
    // The client drops the TCP connection without CLOSE (transport close on the server).
    async client_drop(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.ws.terminate();
        await socket.waitClose();
        await sleep(100);
    },
    // The client sends a WebSocket close frame and exits at once, before the server's reply:
    // still a clean close by the client (transport close), not a transport error.
    async close_then_exit(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.ws.close(1000);
        await sleep(20);
        report("done", { scenario: "close_then_exit" });
        process.exit(0);
    },
    // An invalid packet closes the session.
    async parse_error(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("abc");
        await socket.waitClose();
    },
    // The server closes the session: CLOSE packet, then the WebSocket closes.
    async server_close(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("4cmd:close");
        // The reference closes the WebSocket without a CLOSE packet; ours sends CLOSE first.
        if (STRICT) assert.equal(await socket.nextNonPing(), "1");
        const closed = await socket.waitClose();
        report("closed", closed);
    },
    // stop() closes every session: several WebSockets and a polling session with a pending GET.
    async server_stop_many(base, { count = 3 }) {
        const sockets = [];
        for (let i = 0; i < count; i++) {
            const { socket, handshake } = await openWebSocket(base);
            report("open", { sid: handshake.sid });
            sockets.push(socket);
        }
        const polling = await openPolling(base);
        report("open", { sid: polling.sid });
        const pending = poll(base, polling.sid);
        await sleep(100);  // the GET must be waiting at the server when it stops
        sockets[0].send("4cmd:stop");
        for (const socket of sockets) await socket.waitClose();
        const last = await pending;
        assert.equal(last.text.split("\x1e").at(-1), "1", `polling session gets CLOSE: ${last.text}`);
    },
    // The server stops: the WebSocket is closed (CLOSE packet, close code 1001 going away).
    async server_stop(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("4cmd:stop");
        const closed = await socket.waitClose();
        report("closed", closed);
        if (STRICT) assert.equal(closed.code, 1001, "close code going away");
    },
    // A message bigger than the transport's high-water mark (64 KiB), then more: everything after
    // it still arrives (the session is told its big write is done once the kernel has it).
    async big_then_more(base, { size = 100000 }) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        for (let round = 0; round < 3; round++) {
            socket.send(`4cmd:big:${size}`);
            socket.send("4cmd:burst:3");
            socket.send("4after");
            assert.equal((await socket.nextNonPing()).length, size + 1);
            for (let i = 0; i < 3; i++) assert.equal(await socket.nextNonPing(), `4m${i}`);
            assert.equal(await socket.nextNonPing(), "4after");
        }
        socket.close();
        await socket.waitClose();
    },
    // permessage-deflate with Node's ws client (it offers "permessage-deflate;
    // client_max_window_bits"; threshold 0: it compresses every message, even one byte). With
    // `negotiated`, the extension must be agreed and messages both ways (small ones the server
    // sends uncompressed, big ones compressed; text and binary) arrive intact; without, the
    // server declines and everything still works.
    async deflate(base, { negotiated = 1 }) {
        const { socket, handshake } = await openWebSocket(base, "", {
            perMessageDeflate: { threshold: 0 },
        });
        report("open", { sid: handshake.sid, extensions: socket.ws.extensions });
        if (Number(negotiated)) {
            assert.match(socket.ws.extensions, /permessage-deflate/, "extension agreed");
        } else {
            assert.equal(socket.ws.extensions, "", "extension declined");
        }
        const big = "4" + "compressible text ".repeat(300);
        const binary = Buffer.alloc(5000, 7);
        for (let round = 0; round < 3; round++) {
            socket.send("4small");
            assert.equal(await socket.nextNonPing(), "4small");
            socket.send(big);
            assert.equal(await socket.nextNonPing(), big);
            socket.send(binary);
            assert.deepEqual(await socket.nextNonPing(), binary);
        }
        const before = socket.ws._socket.bytesRead;
        socket.send("4cmd:big:100000");
        assert.equal(await socket.nextNonPing(), "4" + "x".repeat(100000));
        const read = socket.ws._socket.bytesRead - before;
        report("big", { bytes_on_the_wire: read });
        if (Number(negotiated)) assert.ok(read < 10000, `compressed on the wire (${read} bytes)`);
        else assert.ok(read > 100000, `not compressed (${read} bytes)`);
        socket.close();
        await socket.waitClose();
    },
};

runScenario(scenarios, parseArgs());
