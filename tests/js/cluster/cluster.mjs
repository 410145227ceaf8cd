// Three socketio-cpp processes as one cluster behind a real nginx (issue 14, "Verified by"): a real
// redis-server on a free port, three server processes (tests/e2e/cluster/cluster_node.cpp, the
// Redis driver and the cluster adapter), and nginx with the shipped deploy/nginx/socketio.conf
// (ip_hash) in front. Official socket.io-client clients, spread over the three by X-Real-IP (see
// below), some polling only and some upgraded to WebSocket through nginx, drive every cluster
// operation across processes; then Redis is killed under traffic and restarted.
//
//   node tests/js/cluster/cluster.mjs --node SOCKETIO_CLUSTER_NODE --nginx-conf deploy/nginx/socketio.conf
//                                     [--chat examples/chat/chat [--browser tests/js/browser/chat.mjs
//                                      --artifacts DIR]]
//
// With --chat, two chat example processes then join the same Redis and their users see each
// other (nicks, user lists, room lists, messages). With --browser too, three more chat processes
// run behind a second nginx and the chat page is driven in two chromium pages that land on two
// different processes (tests/js/browser/chat.mjs --url … --real-ips …).
//
// Exit status 0 when every check passed, 1 on a failure, 77 (ctest's SKIP_RETURN_CODE) when nginx
// or redis-server is not installed.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { io as connect } from "socket.io-client";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const which = (name) =>
  [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"]
    .map((dir) => path.join(dir, name))
    .find((p) => existsSync(p));
const redisBin = which("redis-server");
const nginxBin = which("nginx");
if (!redisBin || !nginxBin) {
  console.error(`cluster.mjs: ${redisBin ? "nginx" : "redis-server"} is not installed; skipped`);
  process.exit(77);
}
assert.ok(args.node && args["nginx-conf"], "usage: --node BINARY --nginx-conf FILE");

const MAX_QUEUED = 4; // the servers' Redis queue while disconnected (--max-queued)
const step = (what) => console.error(`cluster.mjs: ${what}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/// Waits until `check()` is truthy (polled); throws with `what` after `timeout` ms.
async function until(what, check, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), "socketio-cluster-e2e-"));
const children = new Set();
function start(name, bin, argv) {
  const child = spawn(bin, argv, { stdio: ["ignore", "pipe", "pipe"] });
  child.name = name;
  child.output = "";
  const collect = (chunk) => (child.output += chunk);
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}
const waitOutput = (child, pattern, what, timeout = 15000) =>
  until(`${child.name}: ${what}\n${child.output}`, () => pattern.exec(child.output), timeout);
const count = (text, needle) => text.split(needle).length - 1;
function stop(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill(signal);
  });
}
async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const clients = [];
const realIpOf = new Map(); // client → N of its 10.N.0.1
let failed = null;
// A hung step must not hang ctest: report with every process's output and stop them all.
setTimeout(() => {
  console.error(`cluster.mjs: FAILED: stuck after 110 s\n` +
    [...children].map((c) => `--- ${c.name}\n${c.output}`).join("\n"));
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}, 110000).unref();
try {
  // --- Redis, on its own port, in the temp dir, without persistence ----------------------------
  const redisPort = await freePort();
  const startRedis = async () => {
    const redis = start("redis-server", redisBin, [
      "--port", String(redisPort), "--bind", "127.0.0.1", "--dir", work,
      "--save", "", "--appendonly", "no",
    ]);
    await waitOutput(redis, /Ready to accept connections/, "ready");
    return redis;
  };
  let redis = await startRedis();

  // --- three servers ----------------------------------------------------------------------------
  const nodes = [];
  for (let i = 0; i < 3; ++i) {
    const port = await freePort();
    const node = start(`node:${port}`, args.node, [
      "--port", String(port), "--redis", `redis://127.0.0.1:${redisPort}`,
      "--max-queued", String(MAX_QUEUED),
    ]);
    node.port = port;
    await waitOutput(node, /cluster-node listening on/, "listening");
    nodes.push(node);
  }
  for (const node of nodes) await waitOutput(node, /redis: connected to/, "connected to Redis");
  const nodeOf = (port) => nodes.find((n) => n.port === port);

  // --- nginx: the shipped configuration, pointed at these ports ---------------------------------
  // ip_hash hashes the first three octets of the client's IPv4 address, so every 127.0.0.x client
  // would land on one server. Only in this test, nginx takes the client address from X-Real-IP
  // (the realip module, trusted from 127.0.0.1) and each client sends its own 10.N.0.1.
  /// Starts an nginx named `name` in front of `upstreamPorts` (three); resolves to its port.
  async function startNginx(name, upstreamPorts) {
    const port = await freePort();
    const dir = path.join(work, name);
    let site = readFileSync(args["nginx-conf"], "utf8");
    const replace = (text, replacement) => {
      assert.ok(site.includes(text), `deploy config: ${text} not found`);
      site = site.replace(text, replacement);
    };
    upstreamPorts.forEach((p, i) => replace(`server 127.0.0.1:500${i + 1};`, `server 127.0.0.1:${p};`));
    replace("listen 127.0.0.1:5000;",
            `listen 127.0.0.1:${port};\n    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Real-IP;`);
    assert.match(site, /^\s*ip_hash;/m, "the deploy config balances with ip_hash");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "site.conf"), site);
    writeFileSync(path.join(dir, "nginx.conf"), `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/site.conf;
}
`);
    const nginx = start(name, nginxBin, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", "stderr"]);
    await until(`${name} to listen\n${nginx.output}`, () =>
      new Promise((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
        s.on("error", () => resolve(false));
      }));
    return port;
  }
  const nginxPort = await startNginx("nginx", nodes.map((n) => n.port));
  step(`redis :${redisPort}, servers :${nodes.map((n) => n.port).join(" :")}, nginx :${nginxPort}`);

  // --- clients, spread over the servers ---------------------------------------------------------
  /// A client through nginx as if from 10.N.0.1; resolves once the server said welcome.
  async function client(n, { polling = false, answer = true } = {}) {
    const socket = connect(`http://127.0.0.1:${nginxPort}`, {
      forceNew: true,
      reconnection: false,
      transports: polling ? ["polling"] : ["polling", "websocket"],
      extraHeaders: { "X-Real-IP": `10.${n}.0.1` },
    });
    socket.events = [];
    socket.onAny((event, ...a) => socket.events.push({ event, args: a }));
    if (answer) socket.on("question", (q, ack) => ack({ answer: q, sid: socket.id }));
    socket.on("disconnect", (reason) => (socket.disconnectReason = reason));
    const welcome = await new Promise((resolve, reject) => {
      socket.once("welcome", resolve);
      socket.once("connect_error", reject);
    });
    socket.port = welcome.port;
    socket.serverId = welcome.server_id;
    socket.polling = polling;
    realIpOf.set(socket, n);
    clients.push(socket);
    return socket;
  }
  const got = (socket, event) => socket.events.filter((e) => e.event === event);
  const ack = (socket, event, ...a) => socket.timeout(8000).emitWithAck(event, ...a);

  // Two clients per server (one polling only, one upgraded), and one spare per server for the
  // disconnect checks. Which 10.N.0.1 lands where is nginx's hash: try addresses until each
  // server has its three.
  const byPort = new Map(nodes.map((n) => [n.port, []]));
  for (let n = 1; n < 60 && [...byPort.values()].some((list) => list.length < 3); ++n) {
    const probe = await client(n, { polling: n % 2 === 0 });
    const list = byPort.get(probe.port);
    if (list.length < 3) list.push(probe);
    else {
      probe.disconnect();
      clients.splice(clients.indexOf(probe), 1);
    }
  }
  for (const [port, list] of byPort) assert.equal(list.length, 3, `clients on server ${port}`);
  step("9 clients spread over the 3 servers by ip_hash");
  const [a, b, c] = nodes.map((n) => byPort.get(n.port)); // a[0], a[1]: clients of server a …
  const spares = [a[2], b[2], c[2]];
  const main = [...a.slice(0, 2), ...b.slice(0, 2), ...c.slice(0, 2)];
  // Transports through nginx: the polling-only ones stay on polling, the others upgrade.
  for (const socket of clients) {
    await until(`${socket.id} on its transport`, () =>
      socket.io.engine.transport.name === (socket.polling ? "polling" : "websocket"));
  }
  assert.ok(clients.some((s) => s.polling) && clients.some((s) => !s.polling));
  step("polling and WebSocket both work through nginx");

  /// Everyone in `sockets` has received an event `name` whose first argument is `id`.
  const hasId = (socket, name, id) => got(socket, name).some((e) => e.args[0] === id);
  let fenceId = 0;
  /// An emit to all from every server; once it reached everyone, what these servers emitted
  /// earlier has arrived too (Redis keeps one publisher's order).
  async function fence() {
    const id = `fence-${++fenceId}`;
    for (const s of [a[0], b[0], c[0]]) await ack(s, "emit", { event: "fence", args: [id] });
    await until(`fence ${id}`, () => clients.filter((s) => s.connected)
      .every((s) => got(s, "fence").filter((e) => e.args[0] === id).length === 3));
  }
  /// Exactly `expected` (and no other client of `pool`) got `name` with first argument `id`.
  async function deliveredTo(name, id, expected, pool = main) {
    await until(`${name} ${id} to ${expected.length} clients`, () =>
      expected.every((s) => hasId(s, name, id)));
    await fence();
    for (const s of pool) {
      const n = got(s, name).filter((e) => e.args[0] === id).length;
      assert.equal(n, expected.includes(s) ? 1 : 0, `${name} ${id} to client of ${s.port}`);
    }
  }
  const roomsOf = async (socket) => ack(socket, "rooms");

  // --- §4: emits ----------------------------------------------------------------------------------
  await ack(a[0], "emit", { event: "all", args: ["e1"] });
  await deliveredTo("all", "e1", main);
  step("emit to all from one server reaches every client once");

  await ack(b[1], "join", "r1");
  await ack(c[0], "join", "r1");
  await ack(a[1], "emit", { event: "room", args: ["e2"], to: "r1" });
  await deliveredTo("room", "e2", [b[1], c[0]]);
  await ack(a[1], "emit", { event: "sid", args: ["e3"], to: c[1].id });
  await deliveredTo("sid", "e3", [c[1]]);
  await ack(b[0], "emit", { event: "except", args: ["e4"], except: ["r1", a[0].id] });
  await deliveredTo("except", "e4", [a[1], b[0], c[1]]);
  step("emit to a room, to one sid and with except, across processes");

  // --- §4: rooms and disconnects of sockets of other processes -----------------------------------
  assert.equal(await ack(a[0], "enter_room", c[1].id, "r2"), false, "not a socket of server a");
  await until("c[1] in r2", async () => (await roomsOf(c[1])).includes("r2"));
  await ack(b[0], "emit", { event: "r2", args: ["e5"], to: "r2" });
  await deliveredTo("r2", "e5", [c[1]]);
  await ack(a[0], "leave_room", c[1].id, "r2");
  await until("c[1] out of r2", async () => !(await roomsOf(c[1])).includes("r2"));
  step("enter_room / leave_room for a sid of another process");

  await ack(b[0], "join", "r3");
  await ack(c[1], "join", "r3");
  await ack(a[0], "close_room", "r3");
  await until("r3 closed everywhere", async () =>
    !(await roomsOf(b[0])).includes("r3") && !(await roomsOf(c[1])).includes("r3"));
  step("close_room everywhere");

  assert.equal(await ack(a[0], "disconnect_sid", c[2].id), false);
  await until("c[2] disconnected by server a", () => c[2].disconnectReason);
  assert.equal(c[2].disconnectReason, "io server disconnect");
  step("disconnect of a sid on another process");

  // --- §4: acks across processes -----------------------------------------------------------------
  let answer = await ack(a[0], "ask", { to: c[0].id, question: "q1" });
  assert.equal(answer.timed_out, false, JSON.stringify(answer));
  assert.equal(answer.expected, 1);
  assert.deepEqual(answer.acks, [{ sid: c[0].id, args: [{ answer: "q1", sid: c[0].id }] }]);
  step("emit with ack to a sid on another process: the ack came back");

  const connected = () => clients.filter((s) => s.connected);
  answer = await ack(b[0], "ask", { question: "q2" });
  assert.equal(answer.timed_out, false, JSON.stringify(answer));
  assert.equal(answer.expected, connected().length);
  assert.deepEqual(answer.acks.map((x) => x.sid).sort(), connected().map((s) => s.id).sort());
  // One client that never answers: the others' acks arrive, the count includes it, it times out.
  const silent = await client(200, { answer: false });
  answer = await ack(c[0], "ask", { question: "q3", timeout_ms: 1500 });
  assert.equal(answer.timed_out, true, JSON.stringify(answer));
  assert.equal(answer.expected, connected().length);
  assert.equal(answer.acks.length, connected().length - 1);
  assert.ok(!answer.acks.some((x) => x.sid === silent.id));
  silent.disconnect();
  await until("silent gone", () => !silent.connected);
  step("broadcast with acks: counts from every server, and the timeout");

  // --- §4: fetch_sockets, sockets_join/leave, disconnect_sockets, server_side_emit ----------------
  await until("fetch sees the silent client gone", async () =>
    (await ack(b[1], "fetch", {})).sockets.length === connected().length);
  let fetched = await ack(b[1], "fetch", {});
  assert.equal(fetched.error, "");
  assert.deepEqual(fetched.sockets.map((s) => s.sid).sort(), connected().map((s) => s.id).sort());
  for (const s of fetched.sockets) {
    const owner = clients.find((x) => x.id === s.sid);
    assert.equal(s.server_id, owner.serverId, "each socket reported by the server that holds it");
  }
  fetched = await ack(c[1], "fetch", { to: "r1" });
  assert.deepEqual(fetched.sockets.map((s) => s.sid).sort(), [b[1].id, c[0].id].sort());
  assert.equal(await ack(a[0], "remote_emit", { to: b[1].id, payload: "rs" }), 1);
  await until("RemoteSocket emit", () => got(b[1], "remote").length === 1);
  step("fetch_sockets across processes (and a RemoteSocket's emit)");

  await ack(c[1], "sockets_join", { to: "r1", rooms: ["r4"] });
  await until("sockets_join", async () =>
    (await roomsOf(b[1])).includes("r4") && (await roomsOf(c[0])).includes("r4"));
  await ack(a[1], "sockets_leave", { to: "r4", rooms: ["r1"] });
  await until("sockets_leave", async () =>
    !(await roomsOf(b[1])).includes("r1") && !(await roomsOf(c[0])).includes("r1"));
  step("sockets_join / sockets_leave across processes");

  await ack(a[2], "join", "spares");
  await ack(b[2], "join", "spares");
  await ack(c[0], "disconnect_sockets", { to: "spares" });
  await until("spares disconnected", () => a[2].disconnectReason && b[2].disconnectReason);
  assert.ok(a[0].connected && b[1].connected && c[0].connected);
  step("disconnect_sockets across processes");

  answer = await ack(a[0], "server_side", "hi");
  assert.equal(answer.error, "", JSON.stringify(answer));
  assert.deepEqual(answer.answers.map((x) => x[0].port).sort(),
                   [b[0].port, c[0].port].sort());
  for (const x of answer.answers) assert.deepEqual(x[0].got, ["hi"]);
  step("server_side_emit with acks: the two other servers answered");

  // --- faults: Redis killed under traffic, then restarted -----------------------------------------
  const before = nodes.map((n) => n.output.length);
  const since = (i) => nodes[i].output.slice(before[i]);
  await stop(redis, "SIGKILL");
  for (let i = 0; i < 3; ++i) await waitOutput(nodes[i], /connection lost/, "connection lost");
  // Each server keeps serving its own clients: a broadcast from a's client reaches a's clients at
  // once; what a publishes meanwhile waits in its bounded queue, the rest is dropped and counted.
  const outage = MAX_QUEUED + 3;
  for (let i = 0; i < outage; ++i) {
    await ack(a[0], "emit", { event: "outage", args: [`o${i}`] });
  }
  await until("local delivery while Redis is down", () =>
    got(a[0], "outage").length === outage && got(a[1], "outage").length === outage);
  assert.equal(got(b[0], "outage").length + got(c[0], "outage").length, 0);
  step(`Redis down: server a still serves its clients (${outage} local emits delivered)`);

  redis = await startRedis();
  for (let i = 0; i < 3; ++i) {
    await until(`node ${i} reconnected\n${since(i)}`, () => /redis: connected to/.test(since(i)), 20000);
  }
  // Cross-process delivery resumes once every server has resubscribed.
  let probe = 0;
  await until("cross-process delivery after the restart", async () => {
    const id = `p${++probe}`;
    await ack(c[0], "emit", { event: "probe", args: [id] });
    await sleep(100);
    return [a[0], b[0], b[1]].every((s) => hasId(s, "probe", id));
  }, 15000);
  const dropped = await until("the dropped count", () =>
    /redis: (\d+) messages dropped while disconnected/.exec(since(0)));
  assert.equal(Number(dropped[1]), outage - MAX_QUEUED,
               `published ${outage} while down with room for ${MAX_QUEUED}:\n${since(0)}`);
  for (let i = 0; i < 3; ++i) {
    assert.equal(count(since(i), "connection lost"), 1, `one loss line:\n${since(i)}`);
    assert.ok(count(since(i), "cannot connect") <= 1, `at most one retry line:\n${since(i)}`);
  }
  assert.equal(count(since(0), "messages dropped while disconnected"), 1);
  for (const s of main.filter((x) => x !== c[2])) assert.ok(s.connected, `${s.id} still connected`);
  step(`Redis back: resubscribed; ${outage - MAX_QUEUED} dropped messages logged, as published`);

  // --- the chat example as two processes of one cluster (examples/chat --redis) ------------------
  // Its nicks, user lists and room lists live in session data read with fetch_sockets(), so they
  // span the processes: what a user on one sees includes the users of the other.
  if (args.chat) {
    const chats = [];
    for (let i = 0; i < 2; ++i) {
      const port = await freePort();
      const chat = start(`chat:${port}`, args.chat, [
        "--port", String(port), "--redis", `redis://127.0.0.1:${redisPort}`,
      ]);
      await waitOutput(chat, /listening on/, "listening");
      chat.port = port;
      chats.push(chat);
    }
    const [ann, bob] = await Promise.all(chats.map(async (chat) => {
      const socket = connect(`http://127.0.0.1:${chat.port}`, { forceNew: true, reconnection: false });
      socket.events = [];
      socket.onAny((event, ...a) => socket.events.push({ event, args: a }));
      clients.push(socket);
      await new Promise((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
      return socket;
    }));
    // Both chats subscribed and know each other before the first cluster-wide question.
    await until("the chats see each other", async () =>
      (await ack(ann, "set_nick", "ann")).ok &&
      (await ack(bob, "set_nick", "ann")).error === "nick taken");
    assert.equal((await ack(bob, "set_nick", "bob")).ok, true);
    assert.deepEqual((await ack(ann, "join", "lobby")).users, ["ann"]);
    assert.deepEqual((await ack(bob, "join", "lobby")).users, ["ann", "bob"]);
    await until("ann hears the user list with bob", () => got(ann, "users")
      .some((e) => JSON.stringify(e.args[0]) === JSON.stringify({ room: "lobby", users: ["ann", "bob"] })));
    await until("the room list counts both", () => got(ann, "rooms")
      .some((e) => JSON.stringify(e.args[0]) === JSON.stringify([{ name: "lobby", users: 2 }])));
    assert.deepEqual(await ack(bob, "chat", "lobby", "hi ann"), { ok: true });
    await until("bob's message on ann's process", () =>
      got(ann, "chat").some((e) => e.args[0].nick === "bob" && e.args[0].text === "hi ann"));
    bob.disconnect();
    await until("bob gone from ann's list", () => got(ann, "users")
      .some((e) => JSON.stringify(e.args[0]) === JSON.stringify({ room: "lobby", users: ["ann"] })));
    // One clock tick per second per client, not one per process.
    const ticks = got(ann, "clock").length;
    await sleep(2500);
    assert.ok(got(ann, "clock").length - ticks <= 3, "each process ticks for its own clients");
    step("the chat across two processes: unique nicks, user and room lists, messages");

    // --- the chat page in two browsers, through nginx, on two different processes ------------
    // ip_hash picks a server by the hash of the address and the number of servers only, so an
    // address that reached cluster node i above reaches chat process i behind the same config.
    if (args.browser) {
      for (let i = 0; i < 3; ++i) {
        const port = await freePort();
        const chat = start(`chat-behind-nginx:${port}`, args.chat, [
          "--port", String(port), "--redis", `redis://127.0.0.1:${redisPort}`, "--verbose",
        ]);
        await waitOutput(chat, /listening on/, "listening");
        chat.port = port;
        chats.push(chat);
      }
      const chatNginx = await startNginx("nginx-chat", chats.slice(2).map((c) => c.port));
      const addressOn = (node) => `10.${realIpOf.get(byPort.get(node.port)[0])}.0.1`;
      const browser = start("browser", process.execPath, [
        args.browser, args.chat, args.artifacts ?? work,
        "--url", `http://127.0.0.1:${chatNginx}/`,
        "--real-ips", `${addressOn(nodes[0])},${addressOn(nodes[1])}`,
      ]);
      const code = await new Promise((resolve) => browser.on("exit", resolve));
      if (code === 77) step("no chromium: the two-browser chat behind nginx skipped");
      else assert.equal(code, 0, `chat.mjs behind nginx:\n${browser.output}`);
      if (code === 0) {
        // Each page reached the chat process its address hashes to (--verbose logs connections).
        const connects = chats.slice(2).map((c) => count(c.output, "connected to /"));
        assert.ok(connects[0] >= 1 && connects[1] >= 1 && connects[2] === 0,
                  `connections per chat process behind nginx: ${connects}`);
        step("the chat page in two browsers through nginx, on two processes");
      }
    }
  }

  // Sticky sessions held: no server saw a request for a session of another one.
  for (const server of [...children].filter((c) => /^(node|chat)/.test(c.name))) {
    assert.equal(count(server.output, "unknown sid"), 0, `${server.name}:\n${server.output}`);
  }
  step("no request reached a server that did not own its session (ip_hash)");
} catch (e) {
  failed = e;
} finally {
  for (const socket of clients) socket.disconnect();
  const logs = [...children].map((c) => `--- ${c.name}\n${c.output}`).join("\n");
  await Promise.all([...children].map((child) => stop(child)));
  rmSync(work, { recursive: true, force: true });
  if (failed) {
    console.error(`cluster.mjs: FAILED: ${failed.stack ?? failed}\n${logs}`);
    process.exit(1);
  }
  console.error("cluster.mjs: all checks passed");
  process.exit(0);
}
