/**
 * The operator's settings on a real `npm start`: SPAWN_ALLOW (a spawn by A is scheduled, by B a
 * 403), RATE_LIMIT_SIGNER and RATE_LIMIT_IP (429 with retry-after; the client address is the
 * connection's, whatever headers a client sends), the request log at LOG_LEVEL=info (one JSON line
 * per request, the worker's and the front's alike), and per-process counters that survive a
 * restart of the node.
 */
import { request as httpRequest } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { seed } from "../support/keys.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";

const ANS104 = { "content-type": "application/ans104" };

let node: Server;
let dir = "";
let a: Signer;
let b: Signer;
let pid = "";
let env: Record<string, string> = {};

const post = (raw: Uint8Array, path = "/~scheduler@1.0/schedule", headers: Record<string, string> = {}) =>
  fetch(`${node.url}${path}`, { method: "POST", headers: { ...ANS104, ...headers }, body: raw as Uint8Array<ArrayBuffer> });

const status = async () => (await (await fetch(`${node.url}/~scheduler@1.0/status`)).json()) as { "process-counters": Record<string, { posts: number; reads: number }> };

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; ) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The JSON lines the node logged. */
const logLines = () =>
  node
    .log()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  [a, b] = [await ed25519Signer(seed(0x31)), await ed25519Signer(seed(0x32))];
  dir = await mkdtemp(join(tmpdir(), "ao-operator-"));
  env = { SPAWN_ALLOW: a.address, RATE_LIMIT_SIGNER: "5", RATE_LIMIT_IP: "12", LOG_LEVEL: "info", INDEX_DELAY_MS: "200" };
  node = startServer(await freePort(), dir, env);
  await waitReady(node);
}, 180_000);

afterAll(async () => {
  if (node) await stopServer(node);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe("SPAWN_ALLOW and rate limits on npm start", () => {
  test("SPAWN_ALLOW=<A>: a spawn by A is 200, by B a 403 naming B", async () => {
    const mine = await signProcess(a, await address());
    pid = mine.id;
    expect((await post(mine.raw)).status).toBe(200);
    const res = await post((await signProcess(b, await address())).raw);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ owner: b.address });
  });

  test("RATE_LIMIT_SIGNER=5: A's sixth write is a 429 with retry-after", async () => {
    for (let i = 0; i < 4; i++) expect((await post((await signMessage(a, pid, `a${i}`)).raw, `/${pid}/schedule`)).status).toBe(200);
    const res = await post((await signMessage(a, pid, "a, once too often")).raw, `/${pid}/schedule`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as { signer: string }).signer).toBe(a.address);
  });

  test("RATE_LIMIT_IP=12: the thirteenth POST from this machine is a 429 naming 127.0.0.1, whatever address the client's headers claim; reads go on", async () => {
    const c = await ed25519Signer(seed(0x33));
    for (let i = 0; i < 5; i++) {
      const forged = { "cf-connecting-ip": `198.51.100.${i}`, "x-forwarded-for": `198.51.100.${i}` };
      expect((await post((await signMessage(c, pid, `c${i}`)).raw, `/${pid}/schedule`, forged)).status).toBe(200);
    }
    const d = await ed25519Signer(seed(0x34));
    const res = await post((await signMessage(d, pid, "d")).raw, `/${pid}/schedule`, { "cf-connecting-ip": "198.51.100.99" });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: string }).error).toMatch(/^too many writes from address 127\.0\.0\.1: at most 12 a minute/);
    expect((await fetch(`${node.url}/${pid}/slot`)).status).toBe(200);
  });
});

describe("what the node tells its operator", () => {
  test("LOG_LEVEL=info: one JSON line per request, naming route, status and error; the front logs its own answers the same way", async () => {
    const refused = logLines().filter((l) => l.status === 403);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ method: "POST", path: "/~scheduler@1.0/schedule", route: "/~scheduler@1.0/schedule", error: expect.stringContaining(b.address) });
    expect(logLines().filter((l) => l.status === 429)).toHaveLength(2);
    // A body declared over 10 MiB: the front answers 413 before the worker sees it.
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${node.url}/${pid}/schedule`, { method: "POST", headers: { ...ANS104, "content-length": String(20 * 1024 * 1024) } }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    const front = await until("the front's log line", async () => logLines().find((l) => l.route === "front"));
    expect(front).toMatchObject({ method: "POST", path: `/${pid}/schedule`, status: 413, error: expect.stringContaining("exceeds the limit") });
  });

  test("status shows the process's counters, and after a restart of the node its object counts on from them", async () => {
    const before = await until("the counters", async () => {
      const c = (await status())["process-counters"][pid];
      return c?.posts === 10 ? c : undefined;
    });
    expect(before.reads).toBeGreaterThanOrEqual(0);
    await stopServer(node);
    node = startServer(node.port, dir, env);
    await waitReady(node);
    expect((await post((await signMessage(a, pid, "after the restart")).raw, `/${pid}/schedule`)).status).toBe(200);
    await until("the counters after the restart", async () => ((await status())["process-counters"][pid]?.posts === 11 ? true : undefined));
  });
});

let scheduler = "";
async function address(): Promise<string> {
  scheduler ||= ((await (await fetch(`${node.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
  return scheduler;
}
