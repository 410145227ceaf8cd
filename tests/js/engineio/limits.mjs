// HTTP-level bounds: a client that never finishes its request is disconnected after
// http_read_timeout, and an oversized header block is refused; neither creates a session.
//   slow_request readTimeout=<ms>    (our server only: Node's reference has no such option)
//   huge_headers size=<bytes>
import net from "node:net";
import { assert, openPolling, parseArgs, report, request, runScenario } from "./lib.mjs";

const scenarios = {
    async slow_request(base, { readTimeout }) {
        const url = new URL(base);
        const socket = net.connect(Number(url.port), url.hostname);
        await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
        const started = Date.now();
        // Half a request line, then silence.
        socket.write(`GET ${url.pathname}?EIO=4&transport=polling HTTP/1.1\r\nHost: ${url.host}\r\n`);
        let received = "";
        socket.on("data", (d) => (received += d));
        socket.on("error", () => {});
        await new Promise((resolve) => socket.once("close", resolve));
        const after = Date.now() - started;
        report("closed", { after_ms: after, received: received.slice(0, 40) });
        assert.ok(after >= readTimeout - 50, `closed too early: ${after} ms`);
        assert.ok(after <= readTimeout + 5000, `closed too late: ${after} ms`);
        assert.ok(!received.includes('"sid"'), "no session was opened");
        // The server still serves others.
        const { sid } = await openPolling(base);
        report("open", { sid });
    },
    async huge_headers(base, { size }) {
        let status;
        try {
            const response = await request(`${base}?EIO=4&transport=polling`, {
                headers: { "x-filler": "a".repeat(size) },
            });
            status = response.status;
            assert.ok(!response.text.includes('"sid"'), "no session was opened");
        } catch (err) {
            status = `connection closed (${err.code})`;
        }
        report("huge_headers", { status: String(status) });
        assert.ok(
            status === 431 || status === 400 || String(status).startsWith("connection closed"),
            `oversized headers: ${status}`,
        );
        const { sid } = await openPolling(base);
        report("open", { sid });
    },
};

runScenario(scenarios, parseArgs());
