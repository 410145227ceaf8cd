// Runs every client scenario (Node scripts here and the Python ones in tests/py/) against the
// REFERENCE server (reference-server.mjs, Node's socket.io) with the options the C++ tests give
// our server, so a scenario failing against socketio::Server points at our server, not at the
// script. Exit 0 = all passed.
//
//   node socketio/scenarios/validate-reference.mjs [filter]   (substring of "script scenario mode")
//
// Keep this table in step with the C++ tests in tests/integration/socketio/.

import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pyDir = path.join(here, "..", "..", "..", "py");
const PYTHON = "/usr/bin/python3";
const all = ["polling", "websocket", "upgrade"];
const two = ["polling", "websocket"];

// [script, scenario, transports, extra script params, reference server flags]
export const cases = [
    ["connect", "root", all, [], []],
    ["connect", "namespaces", all, [], []],
    ["connect", "invalid_namespace", all, [], []],
    ["connect", "any_namespace", all, [], ["--any-namespace"]],
    ["auth", "accepted", all, [], []],
    ["auth", "refused_false", all, [], []],
    ["auth", "refused_throw", all, [], []],
    ["events", "args", all, [], []],
    ["events", "binary", all, [], []],
    ["events", "message", all, [], []],
    ["events", "catch_all", all, [], []],
    ["events", "typed", all, [], []],
    ["acks", "client_acks", all, [], []],
    ["acks", "server_acks", all, [], []],
    ["acks", "server_ack_timeout", all, [], []],
    ["acks", "coroutine_ack", all, [], []],
    ["acks", "coroutine_ack", all, ["textOnly=1"], []],
    ["rooms", "membership", all, [], []],
    ["rooms", "broadcasts", all, [], []],
    ["rooms", "close_room", all, [], []],
    ["rooms", "cleanup", all, [], []],
    ["disconnect", "server_disconnect", all, [], []],
    ["disconnect", "server_close", all, [], []],
    ["disconnect", "client_disconnect", all, [], []],
    ["disconnect", "transport_close", ["websocket"], [], []],
    ["disconnect", "connect_timeout_polling", ["polling"], ["connectTimeout=600"],
        ["--connect-timeout", "600"]],
    ["disconnect", "connect_timeout_websocket", ["websocket"], ["connectTimeout=600"],
        ["--connect-timeout", "600"]],
    ["disconnect", "invalid_packet", ["websocket"], [], []],
    ["disconnect", "second_connect", ["websocket"], [], []],
    ["disconnect", "server_close_raw_polling", ["polling"], [], []],
    ["errors", "namespace_handler", two, [], []],
    ["errors", "default_handler", two, [], []],
    ["api", "key_order", all, [], []],
    ["api", "middleware", all, [], []],
    ["api", "async_connect", all, [], []],
    // api backpressure is ours only: Node's emit reports nothing.
    ["session", "persist", all, [], []],
    ["session", "transport", all, [], []],
    ["background", "burst", two, ["count=200"], []],
    ["background", "ticks", two, ["count=100"], ["--ticks", "100"]],
    ["async_handlers", "slow_does_not_block", two, ["slowMs=1500"], []],
    ["msgpack", "mixed", all, [], ["--msgpack"]],
    ["msgpack", "text_frame", all, [], ["--msgpack"]],
    // python-socketio 5.7.2 (Debian), see tests/py/client.py
    ...["polling", "websocket"].flatMap((t) =>
        ["connect_auth", "refused", "events", "binary", "room_broadcast", "namespace",
            "server_disconnect"].map((s) => ["py:client", s, [t], [], []])),
];

function startReference(flags) {
    const child = spawn(process.execPath, [path.join(here, "reference-server.mjs"), ...flags], {
        stdio: ["ignore", "pipe", "inherit"],
    });
    return new Promise((resolve, reject) => {
        let buffered = "";
        child.stdout.on("data", (chunk) => {
            buffered += chunk;
            if (buffered.includes("\n")) {
                resolve({ child, url: `http://127.0.0.1:${JSON.parse(buffered.split("\n")[0]).port}` });
            }
        });
        child.on("exit", (code) => reject(new Error(`reference server exited (${code})`)));
    });
}

function run(command, args) {
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: path.join(here, "..", ".."), stdio: "pipe" });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.stderr.on("data", (c) => (out += c));
        child.on("exit", (code) => resolve({ code, out }));
    });
}

const filter = process.argv[2] || "";
let failed = 0;
let passed = 0;
for (const [script, scenario, transports, params, flags] of cases) {
    for (const transport of transports) {
        const name = `${script} ${scenario} ${transport}${params.length ? " " + params.join(" ") : ""}`;
        if (!name.includes(filter)) continue;
        const { child, url } = await startReference(flags);
        const started = Date.now();
        const { code, out } = script.startsWith("py:")
            ? await run(PYTHON, [path.join(pyDir, `${script.slice(3)}.py`), url, scenario,
                `transport=${transport}`, ...params])
            : await run(process.execPath, [path.join(here, `${script}.mjs`), url, scenario,
                `transport=${transport}`, ...params]);
        child.kill("SIGTERM");
        const ms = Date.now() - started;
        if (code === 0) {
            passed++;
            console.log(`ok    ${name} (${ms} ms)`);
        } else {
            failed++;
            console.log(`FAIL  ${name} (${ms} ms)\n${out.replace(/^/gm, "      ")}`);
        }
    }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
