/**
 * docs/remote.md: "TTL is enforced: an expired record is looked up again, never used". A real
 * node A finds B's process through the test gateway and the location records published for B;
 * the test signs those records itself with B's key (B runs with SCHEDULER_KEY set to it), each
 * naming its own counting proxy in front of B, so "never used" is "its proxy saw no request".
 * The assertions are about which record is used, never about how fast anything is.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { signItem } from "../../src/ans104/sign.ts";
import { locationTags, signLocation } from "../../src/remote/location.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner, seed } from "../support/keys.ts";
import { CountingProxy } from "./counting-proxy.ts";
import { freePort, sleep, startServer, stopServer, waitReady, type Server } from "./server.ts";
import { TestGateway } from "./test-gateway.ts";

const B_SEED = seed(0x42);
const HOUR = 3_600_000;

let gateway: TestGateway;
let a: Server;
let b: Server;
let bKey: Signer;
let client: Signer;
let nonce = 0;
const proxies: CountingProxy[] = [];
const dirs: string[] = [];

const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "ao-ttl-"));
  dirs.push(d);
  return d;
};

/** A proxy in front of B that counts what reaches B through it. */
async function proxyToB(): Promise<CountingProxy> {
  const p = await new CountingProxy(b.url).start();
  proxies.push(p);
  return p;
}

/** Publishes on the gateway a new record of B (nonce one above the last) naming `url`. */
async function publishB(url: string, timestamp: number, ttl: number): Promise<void> {
  gateway.add((await signLocation(bKey, { url, variant: "ao.N.1", nonce: ++nonce, ttl, timestamp })).raw);
}

/** A process of B's with two messages, known to the gateway (as B's outbox would make it). */
async function processOfB(name: string): Promise<string> {
  const process = await signProcess(client, bKey.address, [{ name: "Name", value: name }]);
  const post = (path: string, raw: Uint8Array) => fetch(`${b.url}${path}`, { method: "POST", headers: { "content-type": "application/ans104" }, body: raw as Uint8Array<ArrayBuffer> });
  expect((await post("/~scheduler@1.0/schedule", process.raw)).status).toBe(200);
  for (const data of ["one", "two"]) expect((await post(`/${process.id}/schedule`, (await signMessage(client, process.id, data)).raw)).status).toBe(200);
  gateway.add(process.raw);
  return process.id;
}

async function slotThroughA(pid: string): Promise<{ status: number; json: { current?: number; error?: string } }> {
  const res = await fetch(`${a.url}/${pid}/slot`);
  return { status: res.status, json: (await res.json()) as { current?: number; error?: string } };
}

beforeAll(async () => {
  client = await clientSigner();
  bKey = await ed25519Signer(B_SEED);
  gateway = await new TestGateway().start();
  b = startServer(await freePort(), await tempDir(), { SCHEDULER_KEY: Buffer.from(B_SEED).toString("hex") });
  a = startServer(await freePort(), await tempDir(), { GATEWAY_URL: gateway.url });
  await Promise.all([waitReady(a), waitReady(b)]);
}, 240_000);

afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((s) => stopServer(s)));
  await Promise.all(proxies.map((p) => p.close()));
  await gateway?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("scheduler-location records: Time-To-Live is enforced", () => {
  test("SCHEDULER_KEY as a hex Ed25519 seed: B's address is the seed's", async () => {
    const info = (await (await fetch(`${b.url}/~scheduler@1.0/info`)).json()) as { address: string; "signature-type": number };
    expect(info).toMatchObject({ address: bKey.address, "signature-type": 2 });
  });

  test("a gateway record whose Timestamp + Time-To-Live has passed is never used: 404 naming the expiry, and its URL is never asked", async () => {
    const pid = await processOfB("expired on arrival");
    const stale = await proxyToB();
    await publishB(stale.url, Date.now() - 2 * HOUR, HOUR);
    const res = await slotThroughA(pid);
    expect(res.status, res.json.error).toBe(404);
    expect(res.json.error).toContain(bKey.address);
    expect(res.json.error).toMatch(/expired/);
    expect(stale.requests).toEqual([]);
  });

  test("a gateway record that fails its checks (Time-To-Live 0) is never used either: 404 naming why, its URL never asked", async () => {
    const pid = await processOfB("unusable record");
    const bad = await proxyToB();
    const tags = locationTags({ url: bad.url, variant: "ao.N.1", nonce: ++nonce, ttl: HOUR, timestamp: Date.now() }).map((t) => (t.name === "Time-To-Live" ? { ...t, value: "0" } : t));
    gateway.add((await signItem(bKey, { tags })).raw);
    const res = await slotThroughA(pid);
    expect(res.status, res.json.error).toBe(404);
    expect(res.json.error).toMatch(/is unusable \(scheduler-location record: Time-To-Live must be above 0\)/);
    expect(bad.requests).toEqual([]);
  });

  test("a record that expires between two requests: the first request uses it, the second looks again and does not; a newer record is then used", async () => {
    const pid = await processOfB("expires between requests");
    const first = await proxyToB();
    const ttl = 8_000;
    const signedAt = Date.now();
    await publishB(first.url, signedAt, ttl);
    const fresh = await slotThroughA(pid);
    expect(fresh.status, fresh.json.error).toBe(200);
    expect(fresh.json.current).toBe(2);
    const used = first.requests.length;
    expect(used).toBeGreaterThan(0);

    while (Date.now() <= signedAt + ttl) await sleep(100); // the record's lifetime has passed
    const lookupsBefore = gateway.count("POST /graphql");
    const expired = await slotThroughA(pid);
    expect(expired.status, expired.json.error).toBe(404);
    expect(expired.json.error).toMatch(/expired/);
    expect(first.requests.length - used).toBe(0); // the expired record's URL was not asked again
    expect(gateway.count("POST /graphql") - lookupsBefore).toBeGreaterThan(0); // it was looked up again

    const second = await proxyToB();
    await publishB(second.url, Date.now(), HOUR);
    const renewed = await slotThroughA(pid);
    expect(renewed.status, renewed.json.error).toBe(200);
    expect(renewed.json.current).toBe(2);
    expect(second.requests.length).toBeGreaterThan(0);
    expect(first.requests.length - used).toBe(0);
  }, 120_000);
});
