// https + wss with a self-signed certificate the test made (trusted via NODE_EXTRA_CA_CERTS).
//   polling     handshake and echo over https
//   websocket   echo over wss
//   client      the official engine.io-client over https, upgrading to wss
import { Socket } from "engine.io-client";
import { assert, openPolling, openWebSocket, parseArgs, poll, post, report, runScenario } from "./lib.mjs";

const scenarios = {
    async polling(base) {
        assert.ok(base.startsWith("https://"));
        const { sid } = await openPolling(base);
        report("open", { sid });
        assert.equal((await post(base, sid, "4over-tls")).status, 200);
        assert.equal((await poll(base, sid)).text, "4over-tls");
    },
    async websocket(base) {
        const { socket, handshake } = await openWebSocket(base);
        report("open", { sid: handshake.sid });
        socket.send("4over-wss");
        assert.equal(await socket.nextNonPing(), "4over-wss");
        socket.send(Buffer.from([1, 2, 3]));
        assert.deepEqual(await socket.nextNonPing(), Buffer.from([1, 2, 3]));
        socket.close();
        await socket.waitClose();
    },
    async client(base) {
        const url = new URL(base);
        const socket = new Socket(url.origin, { path: url.pathname });
        await new Promise((resolve, reject) => {
            socket.on("upgrade", resolve);
            socket.on("error", reject);
        });
        report("open", { sid: socket.id, transport: socket.transport.name });
        assert.equal(socket.transport.name, "websocket");
        socket.send("secure");
        const echoed = await new Promise((resolve) => socket.once("message", resolve));
        assert.equal(echoed, "secure");
        socket.close();
    },
};

runScenario(scenarios, parseArgs());
