// Runs every test script scenario against the REFERENCE server (Node's engine.io, see
// reference-server.mjs) with the options the C++ tests give our server, so that a script failing
// against engineio::Server points at our server, not at the test. Exit 0 = all passed.
//
//   node engineio/validate-reference.mjs [filter]
//     filter: a script name ("polling": its cases only) or a substring of "script scenario params"
//
// Keep this table in step with the C++ tests in tests/integration/engineio/.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const fast = ["--ping-interval", "300", "--ping-timeout", "200"];

export const cases = [
    ["handshake", "polling", [], []],
    ["handshake", "polling", ["pingInterval=300", "pingTimeout=200", "maxPayload=5000"],
        [...fast, "--max-payload", "5000"]],
    ["handshake", "polling", ["upgrades=none"], ["--no-upgrades"]],
    ["handshake", "polling", ["upgrades=none"], ["--transports", "polling"]],
    ["websocket", "echo", [], ["--transports", "websocket"]],
    ["handshake", "query", [], []],
    ["handshake", "websocket", ["pingInterval=300", "pingTimeout=200"], fast],
    ["ordering", "close_race", ["tries=200"], []],
    ["ordering", "upgrade_race", ["tries=100"], []],
    ["errors", "transport_unknown", [], []],
    ["errors", "transport_unknown", ["disabled=polling"], ["--transports", "websocket"]],
    ["errors", "session_unknown", [], []],
    ["errors", "bad_handshake_method", [], []],
    ["errors", "bad_request", [], []],
    ["errors", "forbidden", [], []],
    ["errors", "unsupported_protocol", [], []],
    ["errors", "not_found", [], []],
    ["cors", "same_origin", [], []],
    ["cors", "allow_list", ["allowed=https://good.example"], ["--cors", "https://good.example"]],
    ["cors", "any", [], ["--cors", "*"]],
    ["cors", "credentials", ["credentials=1", "allowed=https://good.example"],
        ["--cors", "https://good.example"]],
    ["cors", "credentials", ["credentials=0", "allowed=https://good.example"],
        ["--cors", "https://good.example", "--no-cors-credentials"]],
    ["cors", "preflight", ["allowed=https://good.example"], ["--cors", "https://good.example"]],
    ["cors", "error_headers", ["allowed=https://good.example"], ["--cors", "https://good.example"]],
    ["polling", "echo", [], []],
    ["polling", "batching", ["count=5"], []],
    ["polling", "long_poll", [], []],
    ["polling", "keep_alive", [], []],
    ["polling", "await_push", ["count=3"], ["--push-on-connect", "3"]],
    ["websocket", "await_push", ["count=3"], ["--push-on-connect", "3"]],
    ["polling", "max_payload", ["maxPayload=1000"], ["--max-payload", "1000"]],
    ["polling", "cancelled_poll", [], []],
    ["polling", "overlapping_get", [], []],
    ["polling", "overlapping_post", [], []],
    ["polling", "parse_error", [], []],
    ["polling", "client_close", [], []],
    ["polling", "server_close", [], []],
    ["polling", "server_stop", [], []],
    ["websocket", "echo", [], []],
    ["websocket", "heartbeat", ["pingInterval=300", "pingTimeout=200"], fast],
    ["websocket", "client_close", [], fast],
    ["websocket", "oversized", ["maxPayload=1000"], ["--max-payload", "1000"]],
    ["websocket", "client_drop", [], []],
    ["websocket", "close_then_exit", [], []],
    ["websocket", "parse_error", [], []],
    ["websocket", "server_close", [], []],
    ["websocket", "server_stop", [], []],
    ["websocket", "server_stop_many", ["count=3"], []],
    ["invalid_utf8", "polling", [], []],
    ["invalid_utf8", "websocket", [], []],
    // close_linger.mjs is ours only: Node's ws has no option for its 30 s close timeout
    // limits.mjs slow_request is ours only: Node's engine.io has no HTTP read timeout option
    ["limits", "huge_headers", ["size=40000"], []],
    ["upgrade", "upgrade", [], []],
    ["upgrade", "upgrade_then_poll", [], []],
    ["upgrade", "messages_during_upgrade", [], []],
    ["upgrade", "second_websocket", [], []],
    ["upgrade", "upgrades_disabled", [], ["--no-upgrades"]],
    ["upgrade", "unknown_sid", [], []],
    ["upgrade", "upgrade_timeout", ["upgradeTimeout=500"], ["--upgrade-timeout", "500"]],
    ["upgrade", "heartbeat_after_upgrade", ["pingInterval=300", "pingTimeout=200"], fast],
    ["ping_timeout", "websocket_silent", ["pingInterval=300", "pingTimeout=200"], fast],
    ["ping_timeout", "polling_silent", ["pingInterval=300", "pingTimeout=200"], fast],
    ["ping_timeout", "polling_answering", ["pingInterval=300", "pingTimeout=200"], fast],
    ["ping_timeout", "websocket_mixed", ["pingInterval=300", "pingTimeout=200"], fast],
    ["compression", "negotiate", [], []],
    ["compression", "disabled", [], ["--no-compression"]],
    ["cookie", "absent", [], []],
    ["cookie", "present", ["name=io", "path=/"], ["--cookie", "io,/"]],
    ["cookie", "present", ["name=sticky", "path=/engine.io"], ["--cookie", "sticky,/engine.io"]],
    ["tls", "polling", [], [], { tls: true }],
    ["tls", "websocket", [], [], { tls: true }],
    ["tls", "client", [], [], { tls: true }],
    ["client_modes", "polling", ["close=client"], []],
    ["client_modes", "polling", ["close=server"], []],
    ["client_modes", "websocket", ["close=client"], []],
    ["client_modes", "websocket", ["close=server"], []],
    ["client_modes", "upgrade", ["close=client"], []],
    ["client_modes", "upgrade", ["close=server"], []],
    ["client_modes", "many", ["clients=30", "messages=20"], []],
    ["official_suite", "all", [], fast],
];

function startReference(flags) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(here, "reference-server.mjs"), ...flags], {
            stdio: ["ignore", "pipe", "inherit"],
        });
        let buffered = "";
        child.stdout.on("data", (chunk) => {
            buffered += chunk;
            const line = buffered.split("\n")[0];
            if (buffered.includes("\n")) resolve({ child, port: JSON.parse(line).port });
        });
        child.on("exit", (code) => reject(new Error(`reference server exited with ${code}`)));
    });
}

function runScript(script, args, env) {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [path.join(here, `${script}.mjs`), ...args], {
            env: { ...process.env, SIO_STRICT: "0", ...env },
        });
        let out = "";
        child.stdout.on("data", (c) => (out += c));
        child.stderr.on("data", (c) => (out += c));
        child.on("exit", (code) => resolve({ code, out }));
    });
}

async function runCase([script, scenario, params, flags, options = {}], tls) {
    const serverFlags = [...flags];
    const env = {};
    let scheme = "http";
    if (options.tls) {
        serverFlags.push("--tls-cert", tls.cert, "--tls-key", tls.key);
        env.NODE_EXTRA_CA_CERTS = tls.cert;
        scheme = "https";
    }
    const started = Date.now();
    const { child, port } = await startReference(serverFlags);
    const base = `${scheme}://127.0.0.1:${port}${options.path ?? "/engine.io/"}`;
    const result = await runScript(script, [base, scenario, ...params], env);
    child.kill("SIGKILL");
    return { ...result, ms: Date.now() - started };
}

async function main() {
    const filter = process.argv[2] ?? "";
    // A script name selects that script's cases; anything else is a substring of the case name.
    const scripts = new Set(cases.map(([script]) => script));
    const selected = cases.filter(([script, scenario, params]) =>
        scripts.has(filter)
            ? script === filter
            : `${script} ${scenario} ${params.join(" ")}`.includes(filter),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sio-ref-"));
    const tls = { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", tls.key, "-out", tls.cert], { stdio: "ignore" });
    let failures = 0;
    let next = 0;
    // A few cases at a time: each is mostly waiting on timers and sockets.
    const worker = async () => {
        while (next < selected.length) {
            const c = selected[next++];
            const name = `${c[0]} ${c[1]} ${c[2].join(" ")}`.trim();
            const result = await runCase(c, tls);
            if (result.code === 0) {
                console.log(`PASS ${name} (${result.ms} ms)`);
            } else {
                failures++;
                console.log(`FAIL ${name} (${result.ms} ms, exit ${result.code})\n${result.out}`);
            }
        }
    };
    await Promise.all([worker(), worker(), worker()]);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(failures === 0 ? `all ${selected.length} passed` : `${failures} of ${selected.length} failed`);
    process.exit(failures === 0 ? 0 : 1);
}

main();
