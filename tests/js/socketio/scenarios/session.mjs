// Session data persists across events of one socket (and only that socket); transport(sid).
import { assert, call, connect, parseArgs, report, runScenario, sleep } from "./lib.mjs";

const scenarios = {
    async persist(url, { transport }) {
        const a = await connect(url, "/", transport);
        const b = await connect(url, "/", transport);
        assert.deepEqual(await call(a, "session-get"), [{}]);
        await call(a, "session-set", "user", "ann");
        await call(a, "session-set", "n", 3);
        await call(b, "session-set", "user", "bob");
        assert.deepEqual(await call(a, "session-get"), [{ user: "ann", n: 3 }]);
        assert.deepEqual(await call(b, "session-get"), [{ user: "bob" }]);
        report("sids", { a: a.id, b: b.id });
        a.disconnect();
        b.disconnect();
    },
    async transport(url, { transport }) {
        const socket = await connect(url, "/", transport);
        const expected = transport === "polling" ? "polling" : "websocket";
        assert.deepEqual(await call(socket, "transport"), [expected]);
        report("transport", { sid: socket.id, name: expected });
        socket.disconnect();
        await sleep(300);  // let the DISCONNECT packet leave before the process exits
    },
};

runScenario(scenarios, parseArgs());
