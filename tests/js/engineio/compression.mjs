// HTTP compression of polling responses: gzip or deflate per Accept-Encoding, only above the
// threshold (1024 bytes by default).
//   negotiate           big and small responses with gzip / deflate / none accepted
//   disabled            http.compression off: never compressed
import zlib from "node:zlib";
import { assert, openPolling, parseArgs, poll, post, report, runScenario } from "./lib.mjs";

async function serverSends(base, sid, size, acceptEncoding) {
    const ok = await post(base, sid, `4cmd:big:${size}`);
    assert.equal(ok.status, 200);
    const headers = acceptEncoding ? { "accept-encoding": acceptEncoding } : {};
    const response = await poll(base, sid, headers);
    assert.equal(response.status, 200);
    return response;
}

function body(response) {
    switch (response.headers["content-encoding"]) {
        case "gzip":
            return zlib.gunzipSync(response.raw).toString();
        case "deflate":
            return zlib.inflateSync(response.raw).toString();
        case undefined:
            return response.text;
        default:
            throw new Error(`unexpected content-encoding ${response.headers["content-encoding"]}`);
    }
}

const scenarios = {
    async negotiate(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const big = "4" + "x".repeat(4000);
        const small = "4" + "x".repeat(100);

        const gzip = await serverSends(base, sid, 4000, "gzip, deflate, br");
        assert.equal(gzip.headers["content-encoding"], "gzip");
        assert.ok(gzip.raw.length < big.length, `gzip body is smaller (${gzip.raw.length})`);
        assert.equal(body(gzip), big);

        const deflate = await serverSends(base, sid, 4000, "deflate");
        assert.equal(deflate.headers["content-encoding"], "deflate");
        assert.equal(body(deflate), big);

        const plain = await serverSends(base, sid, 4000, undefined);
        assert.equal(plain.headers["content-encoding"], undefined, "no Accept-Encoding");
        assert.equal(plain.text, big);

        const unknown = await serverSends(base, sid, 4000, "br");
        assert.equal(unknown.headers["content-encoding"], undefined, "only br accepted");
        assert.equal(unknown.text, big);

        const below = await serverSends(base, sid, 100, "gzip");
        assert.equal(below.headers["content-encoding"], undefined, "below the threshold");
        assert.equal(below.text, small);
    },
    async disabled(base) {
        const { sid } = await openPolling(base);
        report("open", { sid });
        const response = await serverSends(base, sid, 4000, "gzip, deflate");
        assert.equal(response.headers["content-encoding"], undefined);
        assert.equal(response.text, "4" + "x".repeat(4000));
    },
};

runScenario(scenarios, parseArgs());
