/**
 * Hints to any scheduler, with a real `npm start` and a legacy SU (ao.TN.1) serving the real
 * schedule of process 4QTy… from test/vectors: the hint's variant is detected (once, then
 * remembered with the hint), and both surfaces answer from the legacy SU through the verified
 * cache: HyperBEAM's `slot`, `schedule` and its inline `target=<pid>?hint=<url>`, and the legacy
 * page, `latest` and `processes` with `hint`. What the cache did is counted node-wide, in `status`
 * and `/metrics`: hits, misses, remote fetches and bytes, and a page refused by a check.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LegacySuServer } from "./legacy-su-server.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";

const REMOTE_TIMEOUT = 3000;
let su: LegacySuServer;
let node: Server;
let dir = "";
let hint = "";
let pid = "";

async function get(path: string, init?: RequestInit): Promise<{ status: number; json: any }> {
  const res = await fetch(`${node.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 250))) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out");
  }
}

const nonceOf = (assignment: { tags: { name: string; value: string }[] }) => assignment.tags.find((t) => t.name === "Nonce")?.value;

beforeAll(async () => {
  su = await new LegacySuServer().start();
  hint = encodeURIComponent(su.url);
  pid = su.processId;
  dir = await mkdtemp(join(tmpdir(), "ao-hints-"));
  node = startServer(await freePort(), dir, { REMOTE_TIMEOUT_MS: String(REMOTE_TIMEOUT) });
  await waitReady(node);
}, 180_000);

afterAll(async () => {
  if (node) await stopServer(node);
  await su?.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe("a hint to a scheduler that never answers", () => {
  test("accepts the connection and stays silent: the request is a 504 naming the deadline, after one request to it (not one per question)", async () => {
    const asked: string[] = [];
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("data", (d) => asked.push(...(d.toString("latin1").match(/^(GET|POST) \S+/gm) ?? [])));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const res = await get(`/~scheduler@1.0/slot?target=${"A".repeat(43)}&hint=${encodeURIComponent(url)}`);
      expect(res.status).toBe(504);
      expect(res.json.error).toBe(`scheduler ${url} did not answer within ${REMOTE_TIMEOUT} ms`);
      expect(asked).toEqual(["GET /~scheduler@1.0/info"]);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe("a hint to a legacy SU", () => {
  test("without a hint the process is unknown here, on both surfaces", async () => {
    expect((await get(`/~scheduler@1.0/slot?target=${pid}`)).status).toBe(404);
    expect((await get(`/${pid}`)).status).toBe(404);
  });

  test("a page altered on the way (one assignment's Timestamp) is refused with a 502 naming the slot and the check", async () => {
    su.tamper = 5;
    try {
      const res = await get(`/${pid}?hint=${hint}&from-nonce=-1&to-nonce=30&limit=100`);
      expect(res.status).toBe(502);
      expect(res.json).toMatchObject({ slot: 5, check: "assignment signature" });
    } finally {
      su.tamper = undefined;
    }
  });

  test("GET /~scheduler@1.0/slot?target=P&hint=<SU> answers the SU's current slot, naming the SU's signer", async () => {
    const slot = await get(`/~scheduler@1.0/slot?target=${pid}&hint=${hint}`);
    expect(slot.status, JSON.stringify(slot.json)).toBe(200);
    expect(slot.json).toMatchObject({ process: pid, current: 30, "wallet-address": su.address });
    // The variant was asked of the SU once: ao.N.1's info first (the SU has none), then its root.
    expect(su.count("GET /~scheduler@1.0/info")).toBe(1);
    expect(su.count("GET /")).toBe(1);
    expect(su.count(`GET /${pid}/latest`)).toBeGreaterThanOrEqual(1);
  });

  test("the legacy page with hint answers the SU's schedule, every assignment the SU's own", async () => {
    const page = await get(`/${pid}?hint=${hint}&from-nonce=-1&to-nonce=30&limit=100`);
    expect(page.status, JSON.stringify(page.json)).toBe(200);
    expect(page.json.edges).toHaveLength(31);
    expect(page.json.edges.map((e: any) => e.node.assignment.id)).toEqual(su.slots.map((s) => s.assignmentId));
    expect(page.json.page_info.has_next_page).toBe(false);
  });

  test("HyperBEAM's inline form target=<pid>?hint=<url> reads the schedule; latest and processes take hint too", async () => {
    const inline = await get(`/~scheduler@1.0/schedule?target=${encodeURIComponent(`${pid}?hint=${su.url}`)}&from=0&to=3`);
    expect(inline.status, JSON.stringify(inline.json)).toBe(200);
    expect(Object.keys(inline.json.assignments)).toEqual(["0", "1", "2", "3"]);
    const latest = await get(`/${pid}/latest?hint=${hint}`);
    expect(latest.status).toBe(200);
    expect(nonceOf(latest.json.assignment)).toBe("30");
    const meta = await get(`/processes/${pid}?hint=${hint}`);
    expect(meta.status).toBe(200);
    expect(meta.json.process_id).toBe(pid);
  });

  test("the variant is remembered with the hint: later requests do not ask the SU which variant it speaks", () => {
    expect(su.count("GET /~scheduler@1.0/info")).toBe(1);
    expect(su.count("GET /")).toBe(1);
  });

  test("status and /metrics count what the cache did: hits, misses, remote fetches and their bytes, the refused page", async () => {
    const before = su.requests.length;
    expect((await get(`/~scheduler@1.0/schedule?target=${pid}&hint=${hint}&from=0&to=30`)).status).toBe(200); // all cached: a hit
    expect(su.requests.length).toBe(before);
    const cache = await until(async () => {
      const c = (await get("/~scheduler@1.0/status")).json.cache;
      return c.hits >= 2 && c.misses >= 2 ? c : undefined;
    });
    expect(cache["verify-failures"]).toBe(1);
    expect(cache.forks).toBe(0);
    // Every request the cache sent (the variant probes are the resolver's, not the cache's).
    expect(cache["remote-fetches"]).toBe(su.requests.filter((r) => r.startsWith(`GET /${pid}`)).length);
    expect(cache["remote-bytes"]).toBeGreaterThan(0);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/^ao_scheduler_cache_verify_failures_total 1$/m);
    expect(metrics).toMatch(new RegExp(`^ao_scheduler_cache_hits_total ${cache.hits}$`, "m"));
  });

  test("a hint that answers neither question is spoken to as ao.N.1 (HyperBEAM's default), not remembered: the answer names what it said, and the next request asks again", async () => {
    const nowhere = `${su.url}/nowhere`;
    const probes = () => su.count("GET /nowhere/~scheduler@1.0/info");
    for (let i = 1; i <= 2; i++) {
      const res = await get(`/~scheduler@1.0/slot?target=${pid}&hint=${encodeURIComponent(nowhere)}`);
      expect(res.status).toBe(404);
      expect(res.json.error).toBe(`scheduler ${su.url} answered 404: Message or Process not found`);
      expect(su.count(`GET /nowhere/${pid}/slot`)).toBe(i);
      expect(probes()).toBe(i);
    }
  });
});
