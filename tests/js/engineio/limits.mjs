// HTTP-level bounds: a client that never finishes its request is disconnected after
// http.read_timeout, and an oversized header block is refused; neither creates a session.
//   slow_request readTimeout=<ms>    (our server only: Node's reference has no such option)
//   send_queue burst=<n>             (our server only, with max_send_queue_messages < n)
//   huge_headers size=<bytes>
import net from "node:net";
import {
    assert,
    assertError,
    openPolling,
    parseArgs,
    poll,
    post,
    report,
    request,
    runScenario,
    sleep,
} from "./lib.mjs";

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
    // The server queues more than max_send_queue_messages for a client that does not poll: the
    // session is closed rather than the queue growing (ours only: Node has no such bound).
    async send_queue(base, { burst }) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const posted = await post(base, sid, `4cmd:burst:${burst}`);
        assert.equal(posted.status, 200);
        await sleep(100);
        const first = await poll(base, sid);
        if (first.status === 200) {
            // Whatever was delivered, the session must end with CLOSE, not with all the messages.
            const packets = first.text.split("\x1e");
            report("first_get", { packets: packets.length, last: packets.at(-1) });
            assert.equal(packets.at(-1), "1", "the overflowing session is closed");
            assert.ok(packets.length < burst, `not all ${burst} messages were queued`);
        } else {
            assertError(first, 1, "GET after the overflow");
        }
        assertError(await poll(base, sid), 1, "GET after the overflow");
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
