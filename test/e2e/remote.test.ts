/**
 * Remote scheduling end to end, with real nodes: B (`npm start` with PUBLIC_URL, reached through
 * a counting proxy that can also tamper or go down) holds a process and publishes its location
 * record to a small test gateway/bundler; A (`npm start`, same gateway) finds B from the
 * process's Scheduler tag and B's record, and serves B's process on both surfaces, in every
 * format, from a verified cache. Then: a tampered assignment, B gone, a stale nonce, redirect mode,
 * and a restart of A (TTL expiry: location-ttl.test.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readBundle } from "../../src/ans104/bundle.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { tagValue } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { itemFromJson, type ItemJson } from "../../src/formats/item-json.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { signLocation } from "../../src/remote/location.ts";
import { chainNext, chainSeed } from "../../src/schedule/hash-chain.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner, seed } from "../support/keys.ts";
import { ed25519Signer } from "../../src/crypto/signers.ts";
import { CountingProxy } from "./counting-proxy.ts";
import { freePort, ROOT, startServer, stopServer, waitReady, type Server } from "./server.ts";
import { TestGateway } from "./test-gateway.ts";

const ANS104 = "application/ans104";
const MESSAGES = 30;
const B_TTL_MS = 3_600_000; // test/e2e/location-ttl.test.ts checks what happens when a record expires

let gateway: TestGateway;
let proxy: CountingProxy;
let b: Server;
let a: Server;
let redirecting: Server;
let bAddress = "";
let pid = "";
let client: Signer;
const dirs: string[] = [];

/** A: on the same gateway, publishing its own record too (for the outbox test). */
const aEnv = (port: number) => ({ GATEWAY_URL: gateway.url, UPLOAD_URL: gateway.url, PUBLIC_URL: `http://127.0.0.1:${port}`, REMOTE_TIMEOUT_MS: "3000" });

const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "ao-remote-"));
  dirs.push(d);
  return d;
};

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

const postItem = (url: string, raw: Uint8Array, headers: Record<string, string> = { "content-type": ANS104 }) =>
  getJson(url, { method: "POST", headers, body: raw as Uint8Array<ArrayBuffer> });

/** Polls `probe` until it answers; the deadline is only a bound under the test's own timeout, never a speed check. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 170_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** B's own location record on the gateway (A publishes one too). */
const bRecord = () => gateway.items.find((i) => tagValue(i.tags, "Type") === "Scheduler-Location" && addressOf(i.owner) === bAddress);

/** The CU's check over consecutive assignments: Nonce continuity and the hash chain (D3). */
function checkChain(processId: string, assignments: readonly { id: string; tags: readonly { name: string; value: string }[] }[]): void {
  let expected = chainSeed(processId);
  assignments.forEach((a, i) => {
    const tag = (n: string) => a.tags.find((t) => t.name === n)?.value;
    expect(tag("Nonce"), `slot ${i} nonce`).toBe(String(i));
    expect(tag("Hash-Chain"), `slot ${i} chain`).toBe(expected);
    expect(tag("Process")).toBe(processId);
    expected = chainNext(a.id, tag("Hash-Chain")!);
  });
}

beforeAll(async () => {
  client = await clientSigner();
  gateway = await new TestGateway().start();
  const bPort = await freePort();
  proxy = await new CountingProxy(`http://127.0.0.1:${bPort}`).start();
  b = startServer(bPort, await tempDir(), { PUBLIC_URL: proxy.url, UPLOAD_URL: gateway.url, GATEWAY_URL: gateway.url, LOCATION_TTL_MS: String(B_TTL_MS) });
  const aPort = await freePort();
  a = startServer(aPort, await tempDir(), aEnv(aPort));
  await Promise.all([waitReady(b), waitReady(a)]);
  bAddress = (await getJson(`${b.url}/~scheduler@1.0/info`)).json.address;

  const process = await signProcess(client, bAddress);
  pid = process.id;
  expect((await postItem(`${b.url}/~scheduler@1.0/schedule`, process.raw)).status).toBe(200);
  for (let i = 1; i <= MESSAGES; i++) expect((await postItem(`${b.url}/${pid}/schedule`, (await signMessage(client, pid, `m${i}`)).raw)).status).toBe(200);
  // B uploads its location record and the process it spawned through its outbox.
  await until("B's record and process on the gateway", async () => (gateway.items.some((i) => i.id === pid) && bRecord() ? true : undefined));
}, 180_000);

afterAll(async () => {
  await Promise.all([a, b, redirecting].filter(Boolean).map((s) => stopServer(s)));
  await proxy?.close();
  await gateway?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("a process held by B, served through A", () => {
  test("B publishes its location record (ao.TN.1, its proxy URL) and status shows the outbox delivered", async () => {
    const record = bRecord()!;
    expect(tagValue(record.tags, "Url")).toBe(proxy.url);
    expect(tagValue(record.tags, "Variant")).toBe("ao.TN.1");
    expect(await verifyItem(record)).toBe("valid");
    const status = (await getJson(`${b.url}/~scheduler@1.0/status`)).json;
    expect(status.location).toMatchObject({ url: proxy.url, variant: "ao.TN.1" });
    expect(status.outbox).toMatchObject({ uploadUrl: gateway.url, pending: 0 });
    expect(status.outbox.delivered).toBeGreaterThanOrEqual(2);
    const held = await getJson(`${b.url}/~scheduler@1.0/location`);
    expect(held.status).toBe(200);
    expect(held.json).toMatchObject({ address: bAddress, url: proxy.url, type: "Scheduler-Location" });
  });

  test("slot through A equals B's, on both surfaces, naming B as the process's scheduler", async () => {
    const slot = await getJson(`${a.url}/${pid}/slot`);
    expect(slot.status).toBe(200);
    expect(slot.json.current).toBe(MESSAGES);
    expect(slot.json["wallet-address"]).toBe(bAddress);
    expect((await getJson(`${a.url}/~scheduler@1.0/slot?target=${pid}`)).json.current).toBe(MESSAGES);
    const latest = await getJson(`${a.url}/${pid}/latest`);
    expect(latest.json.assignment.tags.find((t: { name: string }) => t.name === "Nonce").value).toBe(String(MESSAGES));
  });

  test("the schedule through A as lossless JSON rebuilds into items that verify, on a valid chain", async () => {
    const page = await getJson(`${a.url}/${pid}/schedule?from=0&to=${MESSAGES}`);
    expect(page.status).toBe(200);
    expect(page.json.continues).toBe(false);
    const slots = Object.keys(page.json.assignments).map(Number);
    expect(slots).toEqual([...Array(MESSAGES + 1).keys()]);
    const items = slots.map((s) => parseItem(itemFromJson(page.json.assignments[s] as ItemJson), NO_LIMITS));
    for (const it of items) expect(await verifyItem(it)).toBe("valid");
    checkChain(pid, items);
  });

  test("as an ANS-104 bundle (every item verifies) and as aos-2", async () => {
    const res = await fetch(`${a.url}/${pid}/schedule?from=0&to=${MESSAGES}`, { headers: { accept: ANS104 } });
    expect(res.headers.get("content-type")).toBe(ANS104);
    const items = readBundle(new Uint8Array(await res.arrayBuffer()));
    expect(items).toHaveLength(2 * (MESSAGES + 1));
    for (const it of items) expect(await verifyItem(it)).toBe("valid");
    checkChain(pid, items.filter((_, i) => i % 2 === 0));
    const aos2 = await getJson(`${a.url}/${pid}/schedule?from=0&to=5`, { headers: { accept: "application/aos-2" } });
    expect(aos2.json.edges.map((e: { cursor: number }) => e.cursor)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test("legacy pages through A, paged like the CU, cover every slot once on a valid chain", async () => {
    const seen: { id: string; tags: { name: string; value: string }[] }[] = [];
    let from: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await getJson(`${a.url}/${pid}?process-id=${pid}&limit=7${from ? `&from=${from}` : ""}`);
      expect(page.status).toBe(200);
      for (const e of page.json.edges) seen.push(e.node.assignment);
      if (!page.json.page_info.has_next_page) break;
      from = page.json.edges.at(-1).cursor;
    }
    expect(seen).toHaveLength(MESSAGES + 1);
    checkChain(pid, seen);
  });

  test("a second read of a cached range asks B nothing", async () => {
    const before = proxy.requests.length;
    expect((await getJson(`${a.url}/${pid}/schedule?from=3&to=20`)).status).toBe(200);
    expect((await getJson(`${a.url}/${pid}?process-id=${pid}&from-nonce=2&to-nonce=20`)).status).toBe(200);
    expect(proxy.requests.length - before).toBe(0);
  });

  test("posting through A, HyperBEAM style: B's assignment comes back, fields in headers too", async () => {
    const m = await signMessage(client, pid, "via A (ao.N.1 surface)");
    const res = await postItem(`${a.url}/${pid}/schedule`, m.raw);
    expect(res.status).toBe(200);
    expect(res.headers.get("slot")).toBe(String(MESSAGES + 1));
    expect(res.headers.get("process")).toBe(pid);
    expect(Number(res.headers.get("timestamp"))).toBeGreaterThan(0);
    const assignment = parseItem(itemFromJson(res.json as ItemJson), NO_LIMITS);
    expect(await verifyItem(assignment)).toBe("valid");
    expect(tagValue(assignment.tags, "Message")).toBe(m.id);
    expect((await getJson(`${b.url}/${pid}/slot`)).json.current).toBe(MESSAGES + 1);
  });

  test("posting through A, legacy style: {id, timestamp} as the SU answers, and B holds it", async () => {
    const m = await signMessage(client, pid, "via A (legacy surface)");
    const res = await postItem(`${a.url}/`, m.raw, { "content-type": "application/octet-stream" });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(m.id);
    expect(typeof res.json.timestamp).toBe("number");
    const node = await getJson(`${b.url}/${m.id}?process-id=${pid}`);
    expect(node.json.assignment.tags.find((t: { name: string }) => t.name === "Nonce").value).toBe(String(MESSAGES + 2));
  });

  test("next: slot N and a lookahead batch; the following batch is prefetched in the background", async () => {
    const first = await getJson(`${a.url}/~scheduler@1.0/next?target=${pid}&from=0&lookahead=10`);
    expect(first.status).toBe(200);
    expect(Object.keys(first.json.assignments).map(Number)).toEqual([...Array(10).keys()]);
    const current = (await getJson(`${b.url}/${pid}/slot`)).json.current as number;
    // The cache reaches past what was asked without anyone asking for it.
    await until("the prefetch", async () => {
      const cached = await getJson(`${a.url}/${pid}/schedule?from=0&to=${current}`);
      return Object.keys(cached.json.assignments ?? {}).length === current + 1 ? true : undefined;
    });
    const before = proxy.requests.length;
    const second = await getJson(`${a.url}/~scheduler@1.0/next?target=${pid}&from=10&lookahead=10`);
    expect(Object.keys(second.json.assignments).map(Number)[0]).toBe(10);
    expect(proxy.requests.length - before).toBe(0);
  });
});

describe("what A refuses and survives", () => {
  test("an assignment altered on the way is caught at its slot, and nothing of that page is kept", async () => {
    const other = await signProcess(client, bAddress, [{ name: "Name", value: "tamper-target" }]);
    expect((await postItem(`${b.url}/~scheduler@1.0/schedule`, other.raw)).status).toBe(200);
    for (let i = 0; i < 8; i++) await postItem(`${b.url}/${other.id}/schedule`, (await signMessage(client, other.id, `t${i}`)).raw);
    gateway.add(other.raw);
    proxy.tamper = (path, body: any) => {
      if (path.startsWith(`/${other.id}?`) && Array.isArray(body?.edges)) {
        const edge = body.edges.find((e: any) => e.node.assignment.tags.some((t: any) => t.name === "Nonce" && t.value === "5"));
        const ts = edge?.node.assignment.tags.find((t: any) => t.name === "Timestamp");
        if (ts) ts.value = String(Number(ts.value) + 1);
      }
      return body;
    };
    const res = await getJson(`${a.url}/${other.id}/schedule?from=0&to=8`);
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ slot: 5, check: "assignment signature" });
    expect(res.json.error).toMatch(/slot 5/);
    proxy.tamper = undefined;
    const before = proxy.count(new RegExp(`/${other.id}\\?.*from-nonce=-1`));
    expect((await getJson(`${a.url}/${other.id}/schedule?from=0&to=8`)).status).toBe(200);
    expect(proxy.count(new RegExp(`/${other.id}\\?.*from-nonce=-1`)) - before).toBe(1); // fetched from slot 0 again: nothing was kept
  });

  test("a location record with a nonce below the one held is refused, naming both nonces", async () => {
    const stranger = await ed25519Signer(seed(0x21));
    const post = async (nonce: number) =>
      postItem(`${a.url}/~scheduler@1.0/location`, (await signLocation(stranger, { url: "http://127.0.0.1:9", variant: "ao.N.1", nonce, ttl: 60_000, timestamp: Date.now() })).raw);
    expect((await post(5)).status).toBe(200);
    const lower = await post(4);
    expect(lower.status).toBe(400);
    expect(lower.json).toMatchObject({ "requested-nonce": 4, "existing-nonce": 5 });
    expect((await getJson(`${a.url}/~scheduler@1.0/location?address=${stranger.address}`)).json.nonce).toBe("5");
  });

  test("with B gone: cached ranges still serve, and posts fail fast with a 502/504 naming B", async () => {
    proxy.down = true;
    try {
      const cached = await getJson(`${a.url}/${pid}/schedule?from=0&to=${MESSAGES}`);
      expect(cached.status).toBe(200);
      const post = await postItem(`${a.url}/${pid}/schedule`, (await signMessage(client, pid, "B is down")).raw);
      // A refused connection is a 502 at once: a 504 would mean A waited out REMOTE_TIMEOUT_MS instead.
      expect(post.status, post.json.error).toBe(502);
      expect(post.json.error).toContain(proxy.url);
      expect(post.json.error).toMatch(/cannot be reached/);
    } finally {
      proxy.down = false;
    }
  });

  test("with SCHEDULER_FOLLOW_REDIRECTS=false, a node answers 307 to B with the same path and query", async () => {
    redirecting = startServer(await freePort(), await tempDir(), { GATEWAY_URL: gateway.url, SCHEDULER_FOLLOW_REDIRECTS: "false" });
    await waitReady(redirecting);
    const res = await fetch(`${redirecting.url}/${pid}/schedule?from=2&to=4`, { redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe(`${proxy.url}/${pid}/schedule?from=2&to=4`);
    expect(res.headers.get("variant")).toBe("ao.TN.1");
    expect(await res.json()).toMatchObject({ scheduler: proxy.url, variant: "ao.TN.1", address: bAddress });
  }, 60_000);

  test("a hint sends A to B's HyperBEAM surface (ao.N.1): bundle pages, verified, and a post", async () => {
    const third = await signProcess(client, bAddress, [{ name: "Name", value: "hinted" }]);
    expect((await postItem(`${b.url}/~scheduler@1.0/schedule`, third.raw)).status).toBe(200);
    for (let i = 0; i < 4; i++) await postItem(`${b.url}/${third.id}/schedule`, (await signMessage(client, third.id, `h${i}`)).raw);
    const hinted = await getJson(`${a.url}/${third.id}/slot?hint=${encodeURIComponent(proxy.url)}`);
    expect(hinted.json).toMatchObject({ current: 4, "wallet-address": bAddress });
    const before = proxy.count(new RegExp(`/${third.id}/schedule\\?from=`));
    const page = await getJson(`${a.url}/~scheduler@1.0/schedule?target=${third.id}&hint=${encodeURIComponent(proxy.url)}&from=0&to=4`);
    expect(page.status).toBe(200);
    expect(Object.keys(page.json.assignments)).toHaveLength(5);
    expect(proxy.count(new RegExp(`/${third.id}/schedule\\?from=`)) - before).toBe(1); // B's ao.N.1 page, not the legacy one
    const m = await signMessage(client, third.id, "hinted post");
    const posted = await postItem(`${a.url}/${third.id}/schedule?hint=${encodeURIComponent(proxy.url)}`, m.raw);
    expect(posted.status).toBe(200);
    expect(posted.headers.get("slot")).toBe("5");
  });

  test("A restarted on its state keeps its cache (cached slots serve with B down) and its outbox (delivered once the bundler is back)", async () => {
    gateway.bundlerStatus = 503;
    // The operator's `npm run location`, signed with A's own key from its STATE_DIR.
    const cli = spawnSync(process.execPath, ["scripts/location.mjs", "--url", a.url, "--node", a.url, "--ttl", "3600000"], { cwd: ROOT, env: { ...process.env, STATE_DIR: a.stateDir }, encoding: "utf8" });
    expect(cli.status, cli.stderr).toBe(0);
    const nonce = JSON.parse(cli.stdout).nonce as string;
    const pending = await until("A's outbox to record a failed upload", async () => {
      const o = (await getJson(`${a.url}/~scheduler@1.0/status`)).json.outbox;
      return o.pending >= 1 && o.oldest?.lastError ? o : undefined;
    });
    expect(pending.oldest.lastError).toMatch(/503/);

    const dir = a.stateDir;
    const recordUrl = a.url;
    await stopServer(a);
    const port = await freePort(); // a fresh port: nothing of the first run's sockets can answer for it
    a = startServer(port, dir, aEnv(port));
    await waitReady(a);
    expect((await getJson(`${a.url}/~scheduler@1.0/status`)).json.outbox.pending).toBeGreaterThanOrEqual(1);
    proxy.down = true;
    try {
      const res = await fetch(`${a.url}/${pid}/schedule?from=0&to=${MESSAGES}`, { headers: { accept: ANS104 } });
      expect(res.status).toBe(200);
      expect(readBundle(new Uint8Array(await res.arrayBuffer()))).toHaveLength(2 * (MESSAGES + 1));
    } finally {
      proxy.down = false;
    }
    gateway.bundlerStatus = undefined;
    await until("A's record on the gateway", async () => (gateway.items.some((i) => tagValue(i.tags, "Url") === recordUrl && tagValue(i.tags, "Nonce") === nonce) ? true : undefined));
    await until("A's outbox to empty", async () => ((await getJson(`${a.url}/~scheduler@1.0/status`)).json.outbox.pending === 0 ? true : undefined));
  }, 120_000);
});
