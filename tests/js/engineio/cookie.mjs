// The `io` cookie on the handshake response (for sticky sessions behind a load balancer).
//   absent                             default options: no Set-Cookie
//   present name= path=                Set-Cookie: <name>=<sid>; Path=<path>; HttpOnly; SameSite=Lax
import { assert, openPolling, parseArgs, poll, post, report, runScenario } from "./lib.mjs";

const scenarios = {
    async absent(base) {
        const { sid, response } = await openPolling(base);
        report("open", { sid });
        assert.equal(response.headers["set-cookie"], undefined);
    },
    async present(base, { name, path }) {
        const { sid, response } = await openPolling(base);
        report("open", { sid });
        const cookies = response.headers["set-cookie"] ?? [];
        assert.equal(cookies.length, 1, `one Set-Cookie: ${JSON.stringify(cookies)}`);
        const [pair, ...attributes] = cookies[0].split(";").map((s) => s.trim());
        assert.equal(pair, `${name}=${sid}`);
        const lower = attributes.map((a) => a.toLowerCase());
        assert.ok(lower.includes(`path=${path}`.toLowerCase()), `Path in ${cookies[0]}`);
        assert.ok(lower.includes("httponly"), `HttpOnly in ${cookies[0]}`);
        assert.ok(lower.includes("samesite=lax"), `SameSite=Lax in ${cookies[0]}`);
        // Only the handshake sets it: later polls do not.
        await post(base, sid, "4x");
        const next = await poll(base, sid);
        assert.equal(next.headers["set-cookie"], undefined, "no cookie on later requests");
    },
};

runScenario(scenarios, parseArgs());
