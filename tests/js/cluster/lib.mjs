// Shared helpers of the Node-format cluster scripts (tests/integration/redis/node_*_test.cpp).
//
// Each script runs as `node cluster/<script>.mjs <redis-url> <our-server-url>`, checks with
// node:assert, prints "OK" and exits 0, or exits non-zero with the failure on stderr.
//
// Our server (node_cluster_fixture.hpp) and the Node server of node-adapter-interop.mjs answer
// the same control event: a client emits "do" {op, id, …} and gets "result" (id, value) once the
// operation completed.

import assert from "node:assert/strict";
import { io as connect } from "socket.io-client";

export { assert };

export function parseArgs() {
    const [redisUrl, ourUrl] = process.argv.slice(2);
    if (!redisUrl || !ourUrl) {
        console.error(`usage: node ${process.argv[1]} <redis-url> <our-server-url>`);
        process.exit(2);
    }
    return { redisUrl, ourUrl: ourUrl.replace(/\/$/, "") };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` (async) until true; fails after `ms`. */
export async function eventually(what, condition, ms = 10000) {
    const deadline = Date.now() + ms;
    for (;;) {
        if (await condition()) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
    }
}

/**
 * A socket.io-client socket that records every event it gets (with its arguments), acks
 * "q" with its own id, and drives its server with do().
 */
export class Client {
    static async open(name, url, nsp = "/") {
        const client = new Client(name, connect(url + nsp, { transports: ["websocket"], forceNew: true }));
        await new Promise((resolve, reject) => {
            client.socket.once("connect", resolve);
            client.socket.once("connect_error", reject);
        });
        client.id = client.socket.id;
        return client;
    }

    constructor(name, socket) {
        this.name = name;
        this.socket = socket;
        this.events = [];
        this.waiters = [];
        this.nextId = 1;
        this.results = new Map();
        this.disconnectReason = null;
        socket.onAny((event, ...args) => {
            if (event === "result") {
                const [id, value] = args;
                this.results.get(id)?.(value);
                this.results.delete(id);
                return;
            }
            this.events.push([event, ...args]);
            this.wake();
        });
        socket.on("q", (...args) => {
            const ack = args.pop();
            ack(this.socket.id);
        });
        socket.on("disconnect", (reason) => {
            this.disconnectReason = reason;
            this.wake();
        });
    }

    wake() {
        for (const w of [...this.waiters]) w();
    }

    /** Waits until an event named `event` arrived; returns its arguments. */
    async got(event, ms = 10000) {
        const find = () => this.events.find((e) => e[0] === event);
        await this.until(`${this.name} to get "${event}"`, () => find() !== undefined, ms);
        return find().slice(1);
    }

    /** Every event named `event` received so far (their argument arrays). */
    all(event) {
        return this.events.filter((e) => e[0] === event).map((e) => e.slice(1));
    }

    until(what, condition, ms = 10000) {
        if (condition()) return Promise.resolve();
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiters = this.waiters.filter((w) => w !== check);
                reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`));
            }, ms);
            const check = () => {
                if (!condition()) return;
                clearTimeout(timer);
                this.waiters = this.waiters.filter((w) => w !== check);
                resolve();
            };
            this.waiters.push(check);
        });
    }

    /** Asks this client's server to do `op`; resolves with the result. */
    do(op, fields = {}) {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${this.name}: no result for ${op}`)), 15000);
            this.results.set(id, (value) => {
                clearTimeout(timer);
                resolve(value);
            });
            this.socket.emit("do", { op, id, ...fields });
        });
    }

    close() {
        this.socket.disconnect();
    }
}

/**
 * Checks that each client in `expected` got `event` with `args` exactly once, and that each in
 * `others` did not get it — by waiting for a `marker` event sent after it by the same sender
 * (pub/sub keeps one publisher's order), which every client gets.
 */
export async function delivered(event, args, expected, others, marker) {
    for (const c of expected) {
        assert.deepEqual(await c.got(event), args, `${c.name}: "${event}" arguments`);
    }
    for (const c of [...expected, ...others]) await c.got(marker);
    for (const c of expected) assert.equal(c.all(event).length, 1, `${c.name} got "${event}" once`);
    for (const c of others) assert.equal(c.all(event).length, 0, `${c.name} must not get "${event}"`);
}

export async function main(run) {
    const watchdog = setTimeout(() => {
        console.error("the script took longer than 80 s");
        process.exit(3);
    }, 80000);
    try {
        await run();
        console.log("OK");
        clearTimeout(watchdog);
        process.exit(0);
    } catch (error) {
        console.error(error);
        process.exit(1);
    }
}
