// Fetches URLs with Node's fetch and prints one JSON line per URL:
// {"url","status","length","body"} (body only when under 1 KiB; length in bytes).
// Usage: node app/fetch.mjs <url>...   (NODE_EXTRA_CA_CERTS for a self-signed https server)
for (const url of process.argv.slice(2)) {
    const res = await fetch(url);
    const bytes = Buffer.from(await res.arrayBuffer());
    console.log(
        JSON.stringify({
            url,
            status: res.status,
            length: bytes.length,
            body: bytes.length < 1024 ? bytes.toString("utf8") : null,
        }),
    );
}
