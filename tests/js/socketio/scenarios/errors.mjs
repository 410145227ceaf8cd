// A throwing handler reaches the namespace's error handler, else the server's default one, and
// the connection survives.
import { assert, call, connect, next, parseArgs, report, runScenario } from "./lib.mjs";

const scenarios = {
    async namespace_handler(url, { transport }) {
        const socket = await connect(url, "/errors", transport);
        const handled = next(socket, "error-handled");
        socket.emit("throw", 1, "x");
        assert.deepEqual(await handled, [{ event: "throw", what: "boom", args: [1, "x"] }]);
        assert.deepEqual(await call(socket, "echo", "still"), ["still"]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
    async default_handler(url, { transport }) {
        const socket = await connect(url, "/", transport);
        const handled = next(socket, "default-error-handled");
        socket.emit("throw");
        assert.deepEqual(await handled, [{ event: "throw", what: "boom" }]);
        assert.deepEqual(await call(socket, "echo", "still"), ["still"]);
        report("ok", { sid: socket.id });
        socket.disconnect();
    },
};

runScenario(scenarios, parseArgs());
