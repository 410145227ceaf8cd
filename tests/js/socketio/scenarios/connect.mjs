// Connecting to "/" and to named namespaces; unknown namespaces; the accept-any option.
import {
    assert, call, connect, connected, manager, parseArgs, report, runScenario, sleep,
} from "./lib.mjs";

const expectedTransport = (transport) => (transport === "polling" ? "polling" : "websocket");

const scenarios = {
    // One socket on "/": the server's view of it (sid, namespace, transport) matches the client's.
    async root(url, { transport }) {
        const socket = await connect(url, "/", transport);
        const [me] = await call(socket, "whoami");
        assert.equal(me.sid, socket.id);
        assert.equal(me.nsp, "/");
        assert.equal(me.transport, expectedTransport(transport));
        report("connected", { nsp: "/", sid: socket.id });
        socket.disconnect();
        await sleep(300);  // let the DISCONNECT packet leave before the process exits
    },
    // "/", "/admin" and "/chat" over ONE Engine.IO connection: each namespace gives its own sid.
    async namespaces(url, { transport }) {
        const io = manager(url, transport);
        const sockets = ["/", "/admin", "/chat"].map((nsp) => io.socket(nsp).connect());
        await Promise.all(sockets.map((s) => connected(s)));
        const sids = new Set();
        for (const socket of sockets) {
            const [me] = await call(socket, "whoami");
            assert.equal(me.nsp, socket.nsp);
            assert.equal(me.sid, socket.id);
            sids.add(socket.id);
            report("connected", { nsp: socket.nsp, sid: socket.id });
        }
        assert.equal(sids.size, 3, "one sid per namespace");
        report("engine", { sid: io.engine.id });
        sockets.forEach((s) => s.disconnect());
    },
    // A namespace the server does not have: connect_error "Invalid namespace".
    async invalid_namespace(url, { transport }) {
        await assert.rejects(connect(url, "/nope", transport), (err) => {
            assert.equal(err.message, "Invalid namespace");
            report("connect_error", { message: err.message });
            return true;
        });
        // The same connection still serves a valid namespace.
        const socket = await connect(url, "/", transport);
        assert.ok(socket.connected);
        socket.disconnect();
    },
    // With the accept-any-namespace option, an unknown namespace is created on first connect.
    async any_namespace(url, { transport }) {
        const socket = await connect(url, "/dyn-42", transport);
        assert.ok(socket.id);
        report("connected", { nsp: "/dyn-42", sid: socket.id });
        socket.disconnect();
    },
};

runScenario(scenarios, parseArgs());
