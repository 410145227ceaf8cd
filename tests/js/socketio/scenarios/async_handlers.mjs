// With handlers.async, a slow handler of one client does not stall another client on the same
// event loop.
import { assert, call, connect, parseArgs, report, runScenario, sleep } from "./lib.mjs";

const scenarios = {
    async slow_does_not_block(url, { transport, slowMs = 2000 }) {
        const a = await connect(url, "/", transport);
        const b = await connect(url, "/", transport);
        const order = [];
        const started = Date.now();
        const slow = call(a, "slow", slowMs).then((r) => order.push(["slow", r[0], Date.now() - started]));
        await sleep(100);
        const fast = call(b, "fast").then((r) => order.push(["fast", r[0], Date.now() - started]));
        await Promise.all([slow, fast]);
        report("order", { order });
        assert.deepEqual(order.map(([name, result]) => [name, result]),
            [["fast", "fast-done"], ["slow", "slow-done"]]);
        assert.ok(order[0][2] < slowMs, `fast answered after ${order[0][2]} ms`);
        a.disconnect();
        b.disconnect();
    },
};

runScenario(scenarios, parseArgs());
