// Handshake: the OPEN packet over polling and WebSocket has exactly the spec's keys, with values
// that follow the server options.
//   polling      [pingInterval= pingTimeout= maxPayload= upgrades=websocket|none]
//   websocket    [pingInterval= pingTimeout= maxPayload=]
import { assert, openPolling, openWebSocket, parseArgs, report, runScenario } from "./lib.mjs";

function checkOpen(handshake, params, expectedUpgrades) {
    assert.deepEqual(
        Object.keys(handshake).sort(),
        ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"],
        `OPEN keys: ${JSON.stringify(handshake)}`,
    );
    assert.equal(typeof handshake.sid, "string");
    assert.ok(handshake.sid.length > 0, "sid is not empty");
    assert.deepEqual(handshake.upgrades, expectedUpgrades);
    assert.equal(handshake.pingInterval, params.pingInterval ?? 25000);
    assert.equal(handshake.pingTimeout, params.pingTimeout ?? 20000);
    assert.equal(handshake.maxPayload, params.maxPayload ?? 1000000);
}

const scenarios = {
    async polling(base, params) {
        const first = await openPolling(base);
        assert.match(String(first.response.headers["content-type"]), /^text\/plain; ?charset=UTF-8$/i);
        const upgrades = params.upgrades === "none" ? [] : ["websocket"];
        checkOpen(first.handshake, params, upgrades);
        // The handshake response is exactly "0" + the JSON, nothing batched after it.
        assert.equal(first.response.text, "0" + JSON.stringify(first.handshake));
        const second = await openPolling(base);
        assert.notEqual(first.sid, second.sid, "two handshakes get two sids");
        report("open", { sid: first.sid });
        report("open", { sid: second.sid });
    },
    // Extra query parameters reach on_connect percent-decoded (checked by the C++ test).
    async query(base) {
        const { sid } = await openPolling(base, "token=a%20b%2Bc%26d&empty=&token=second");
        report("open", { sid });
    },
    async websocket(base, params) {
        const { socket, handshake } = await openWebSocket(base);
        checkOpen(handshake, params, []);
        report("open", { sid: handshake.sid });
        socket.close();
        await socket.waitClose();
    },
};

runScenario(scenarios, parseArgs());
