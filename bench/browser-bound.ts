/**
 * The raw two-signature bound of case 9: how many Ed25519 signatures this Chromium verifies per
 * second with WebCrypto on every core at once (one Web Worker per core, as the dashboard's pool
 * has), and half that, since a slot carries two signatures (its assignment's and its message's).
 * Nothing else is done per verify: no parsing, no hashing, no storage. The page and its worker
 * are served by a small server of the bench's own on 127.0.0.1, apart from the dashboard, so
 * its content policy and service worker play no part.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";

/** Verifies per worker per run: about a second here, where runs of 3,000 lasted 0.15 s and a moment's hiccup weighed on them. */
const PER_WORKER = 20_000;
/** Several in flight too, since WebCrypto may run them off the worker's thread. */
const IN_FLIGHT = 8;

const WORKER = `
onmessage = async (e) => {
  const { count, inFlight } = e.data;
  const key = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const message = new Uint8Array(48).fill(7);
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, message);
  for (let i = 0; i < 200; i++) await crypto.subtle.verify({ name: "Ed25519" }, key.publicKey, signature, message);
  postMessage("ready");
  await new Promise((go) => (onmessage = go));
  let left = count;
  const lane = async () => {
    while (left-- > 0) if (!(await crypto.subtle.verify({ name: "Ed25519" }, key.publicKey, signature, message))) throw new Error("verify failed");
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  postMessage("done");
};`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>raw Ed25519 verify</title><script>
window.measure = async (count, inFlight) => {
  const workers = Array.from({ length: navigator.hardwareConcurrency || 1 }, () => new Worker("/worker.js"));
  const next = (w) => new Promise((resolve) => (w.onmessage = (m) => resolve(m.data)));
  await Promise.all(workers.map((w) => (w.postMessage({ count, inFlight }), next(w))));
  const started = performance.now();
  await Promise.all(workers.map((w) => (w.postMessage("go"), next(w))));
  const ms = performance.now() - started;
  workers.forEach((w) => w.terminate());
  return { workers: workers.length, perSecond: (workers.length * count * 1000) / ms };
};
</script>`;

export interface Bound {
  workers: number;
  /** Raw Ed25519 verifies per second over all workers. */
  verifies: number;
  /** Slots per second at two signatures a slot. */
  slots: number;
}

/** Measures the bound in a page of its own in `browser`: the best of one run with one verify in flight per worker and one with several. */
export async function rawBound(browser: Browser): Promise<Bound> {
  const server: Server = createServer((req, res) => {
    const worker = req.url === "/worker.js";
    res.writeHead(200, { "content-type": worker ? "text/javascript" : "text/html" }).end(worker ? WORKER : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const runs = [];
    for (const inFlight of [1, IN_FLIGHT]) {
      runs.push(await page.evaluate(([count, n]) => (window as unknown as { measure: (c: number, n: number) => Promise<{ workers: number; perSecond: number }> }).measure(count, n), [PER_WORKER, inFlight] as const));
    }
    const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    return { workers: best.workers, verifies: best.perSecond, slots: best.perSecond / 2 };
  } finally {
    await context.close();
    server.close();
  }
}
