// The chat example in a real browser (issue 13): Debian's headless chromium driven over the
// DevTools protocol by puppeteer-core. Two pages load the chat from the example's own server,
// connect (polling first, then upgraded to WebSocket), take nicks, join one room; one sends, the
// other shows the message; the user list and the typing notice reach the other page too.
//
//   node tests/js/browser/chat.mjs CHAT_BINARY ARTIFACT_DIR [--url URL --real-ips A,B]
//
// With --url, the pages load a chat that already runs there (tests/js/cluster/cluster.mjs: three
// chat processes behind nginx) instead of starting CHAT_BINARY, and with --real-ips each page sends
// its own X-Real-IP header (which that test's nginx hashes with ip_hash), one page per address.
//
// Exit status 0 when every check passed; a screenshot of each page goes to ARTIFACT_DIR either way.
// Exit status 77 (ctest's SKIP_RETURN_CODE) when no chromium is installed.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import puppeteer from "puppeteer-core";

const [binary, artifacts = "."] = process.argv.slice(2);
const option = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const givenUrl = option("url");
const realIps = option("real-ips")?.split(",") ?? [];
const browserPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!browserPath) {
  console.error("chat.mjs: no chromium installed; skipped");
  process.exit(77);
}
mkdirSync(artifacts, { recursive: true });

// The chat server on a free port; its URL comes from the line run() prints (unless --url).
let server = null;
let serverLog = "";
const url = givenUrl ?? await new Promise((resolve, reject) => {
  server = spawn(binary, ["0"], { stdio: ["ignore", "pipe", "pipe"] });
  const timer = setTimeout(() => reject(new Error(`no listening line:\n${serverLog}`)), 15000);
  const onData = (chunk) => {
    serverLog += chunk;
    const m = /listening on (http:\/\/[^\s]+)/.exec(serverLog);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => reject(new Error(`chat exited (${code}):\n${serverLog}`)));
});

const browser = await puppeteer.launch({
  executablePath: browserPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  dumpio: !!process.env.CHAT_DUMPIO,
});

const text = (page, selector) => page.$eval(selector, (e) => e.textContent);
// Polled on a timer: requestAnimationFrame (the default) never fires in a background tab.
const waitText = (page, selector, wanted, timeout = 10000) =>
  page.waitForFunction(
    (sel, w) => document.querySelector(sel)?.textContent.includes(w),
    { timeout, polling: 100 },
    selector,
    wanted,
  );

const step = (what) => console.error(`chat.mjs: ${what}`);
let failed = null;
const pages = [];
try {
  for (const [index, nick] of ["alice", "bob"].entries()) {
    const page = await browser.newPage();
    if (realIps[index]) await page.setExtraHTTPHeaders({ "X-Real-IP": realIps[index] });
    page.on("pageerror", (e) => console.error(`${nick}: page error: ${e.message}`));
    await page.goto(url, { waitUntil: "load" });
    pages.push({ nick, page });
    step(`${nick}: page loaded`);
  }
  for (const { page } of pages) {
    // The official client opens with polling and upgrades: the page shows the transport in use.
    await waitText(page, "#transport", "websocket");
    // The server's clock (a background task) reaches every page.
    await page.waitForFunction(() => /\d/.test(document.querySelector("#clock").textContent), {
      timeout: 10000,
      polling: 100,
    });
  }
  step("both pages on websocket, the clock ticking");
  for (const { nick, page } of pages) {
    // Input goes to the tab in front (a click in a background tab fails with "Target closed").
    await page.bringToFront();
    await page.$eval("#nick", (e, v) => (e.value = v), nick);
    await page.$eval("#room", (e) => (e.value = "browsers"));
    await page.click("#join");
    await waitText(page, "#messages", `joined browsers as ${nick}`);
    step(`${nick}: joined`);
  }
  const [alice, bob] = pages.map((p) => p.page);
  await waitText(alice, "#users", "bob");  // alice's list learnt that bob joined

  step("user lists updated");
  await bob.bringToFront();
  await bob.type("#message", "hi");
  await waitText(alice, "#typing", "bob typing");

  step("typing notice seen");
  await bob.$eval("#message", (e) => (e.value = ""));
  await bob.type("#message", "hello from bob");
  await bob.click("#send");
  await waitText(alice, "#messages", "hello from bob");
  await waitText(bob, "#messages", "hello from bob");  // the sender sees its own message

  assert.equal(await text(alice, "#transport"), "websocket");
  const users = await alice.$$eval("#users li", (lis) => lis.map((li) => li.textContent).sort());
  assert.deepEqual(users, ["alice", "bob"]);
  console.log("chat.mjs: two browsers chatted over websocket");
} catch (e) {
  failed = e;
} finally {
  for (const { nick, page } of pages) {
    await page.screenshot({ path: path.join(artifacts, `chat-${nick}.png`) }).catch(() => {});
  }
  // A browser that crashed may never answer close(): bounded, then killed.
  await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
  browser.process()?.kill("SIGKILL");
  server?.kill("SIGTERM");
}
if (failed) {
  console.error(`chat.mjs: FAILED: ${failed.stack || failed}\n--- server log ---\n${serverLog}`);
  process.exit(1);
}
