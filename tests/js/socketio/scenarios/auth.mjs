// The CONNECT handshake: auth payload accepted or refused (false / ConnectionRefused with data),
// and the handshake the connect handler sees (query, headers, cookies, address).
import { assert, call, connect, parseArgs, report, runScenario } from "./lib.mjs";

const scenarios = {
    async accepted(url, { transport }) {
        const auth = { token: "abc", n: 1, nested: { ok: true } };
        const socket = await connect(url, "/", transport, {
            auth,
            query: { token: "q-1", other: "a b&c" },
            extraHeaders: { "x-custom": "hdr-value", cookie: "flavor=mint; other=1" },
        });
        const [me] = await call(socket, "whoami");
        assert.deepEqual(me.auth, auth);
        assert.equal(me.token, "q-1");
        assert.equal(me.custom, "hdr-value");
        assert.equal(me.flavor, "mint");
        assert.equal(me.address, "127.0.0.1");
        report("whoami", me);
        socket.disconnect();
    },
    // The connect handler returns false.
    async refused_false(url, { transport }) {
        await assert.rejects(connect(url, "/", transport, { auth: { refuse: "false" } }), (err) => {
            assert.equal(err.message, "Connection rejected by server");
            assert.equal(err.data, undefined);
            report("connect_error", { message: err.message });
            return true;
        });
    },
    // The connect handler throws ConnectionRefused{"not authorized", {...}}.
    async refused_throw(url, { transport }) {
        await assert.rejects(connect(url, "/", transport, { auth: { refuse: "throw" } }), (err) => {
            assert.equal(err.message, "not authorized");
            assert.deepEqual(err.data, { code: 4001, hint: "bad token" });
            report("connect_error", { message: err.message, data: err.data });
            return true;
        });
    },
};

runScenario(scenarios, parseArgs());
