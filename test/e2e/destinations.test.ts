/**
 * The probes of issue 17 against real `npm start` nodes: a small internal service on 127.0.0.1
 * answers every request with a secret; hints and location records (posted, and found on a test
 * gateway) aim nodes at it, directly and through a redirect. With REMOTE_PRIVATE=deny every probe
 * is a 4xx and the service sees no request at all; with the default on loopback the node may reach
 * it, but no answer carries any of what it said. The dashboard's headers are checked on the way.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { b64url } from "../../src/crypto/base64url.ts";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { signLocation } from "../../src/remote/location.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner, seed } from "../support/keys.ts";
import { INTERNAL_SECRET, InternalService } from "./internal-service.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";
import { TestGateway } from "./test-gateway.ts";

let internal: InternalService;
let redirector: InternalService;
let gateway: TestGateway;
let denying: Server;
let allowing: Server;
let client: Signer;
let aimed: DataItem; // a process whose scheduler's record (on the gateway) points at the internal service
let redirected: DataItem; // the same, through the redirecting service
const dirs: string[] = [];

const record = async (signer: Signer, url: string) => (await signLocation(signer, { url, variant: "ao.N.1", nonce: 1, ttl: 3_600_000, timestamp: Date.now() })).raw;

async function start(env: Record<string, string>): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), "ao-destinations-"));
  dirs.push(dir);
  return startServer(await freePort(), dir, { GATEWAY_URL: gateway.url, REMOTE_TIMEOUT_MS: "3000", ...env });
}

beforeAll(async () => {
  client = await clientSigner();
  internal = await new InternalService().start();
  redirector = await new InternalService(internal.url).start();
  gateway = await new TestGateway().start();
  const [x, y] = await Promise.all([ed25519Signer(seed(0x61)), ed25519Signer(seed(0x62))]);
  gateway.add(await record(x, internal.url));
  gateway.add(await record(y, redirector.url));
  aimed = await signProcess(client, x.address, [{ name: "Name", value: "aimed" }]);
  redirected = await signProcess(client, y.address, [{ name: "Name", value: "redirected" }]);
  gateway.add(aimed.raw);
  gateway.add(redirected.raw);
  [denying, allowing] = await Promise.all([start({ REMOTE_PRIVATE: "deny" }), start({})]);
  await Promise.all([waitReady(denying), waitReady(allowing)]);
}, 180_000);

afterAll(async () => {
  await Promise.all([denying, allowing].filter(Boolean).map((s) => stopServer(s)));
  await Promise.all([internal?.close(), redirector?.close(), gateway?.close()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

/** Every way a request can aim a node at the internal service; each answers its status and body. */
async function probes(node: string): Promise<{ what: string; status: number; text: string }[]> {
  const id = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const hint = encodeURIComponent(internal.url);
  const viaRedirect = encodeURIComponent(redirector.url);
  const stranger = await ed25519Signer(seed(0x63));
  const spawn = await signProcess(client, (await ed25519Signer(seed(0x61))).address, [{ name: "Name", value: crypto.randomUUID() }]);
  const message = await signMessage(client, aimed.id, "to the aimed process");
  const asks: [string, string, { method: string; headers?: Record<string, string>; body: Uint8Array }?][] = [
    ["slot with a hint", `/~scheduler@1.0/slot?target=${id}&hint=${hint}`],
    ["schedule with a hint", `/${id}/schedule?hint=${hint}`],
    ["slot with a hint that redirects", `/${id}/slot?hint=${viaRedirect}`],
    ["slot of a process whose record is private", `/${aimed.id}/slot`],
    ["schedule of a process whose record is private", `/${aimed.id}/schedule?from=0&to=5`],
    ["legacy page of a process whose record is private", `/${aimed.id}?process-id=${aimed.id}`],
    ["slot of a process whose record redirects", `/${redirected.id}/slot`],
    ["a posted record whose Url is private", "/~scheduler@1.0/location", { method: "POST", headers: { "content-type": "application/ans104" }, body: await record(stranger, internal.url) }],
    ["a spawn naming a scheduler whose record is private", "/~scheduler@1.0/schedule", { method: "POST", headers: { "content-type": "application/ans104" }, body: spawn.raw }],
    ["a message to a process whose record is private", "/", { method: "POST", body: message.raw }],
  ];
  const out = [];
  for (const [what, path, init] of asks) out.push({ what, ...(await exchange(node + path, init)) });
  return out;
}

/** One request over node:http: exactly one exchange per probe, whatever the answer (fetch resends some on its own). */
function exchange(url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? "GET", headers: { ...init.headers, ...(init.body ? { "content-length": String(init.body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("with REMOTE_PRIVATE=deny", () => {
  test("every probe is a 4xx naming why, and the internal service sees no request at all", async () => {
    const answers = await probes(denying.url);
    expect(answers).toHaveLength(10);
    for (const a of answers) {
      expect(a.status, `${a.what}: ${a.text}`).toBeGreaterThanOrEqual(400);
      expect(a.status, `${a.what}: ${a.text}`).toBeLessThan(500);
      expect(JSON.parse(a.text).error, a.what).toMatch(/loopback address/);
      expect(a.text).not.toContain("INTERNAL");
    }
    expect(internal.requests).toHaveLength(0);
    expect(redirector.requests).toHaveLength(0);
  });
});

describe("with the default on loopback (private destinations allowed)", () => {
  test("the node may reach the internal service, but no answer carries anything it said", async () => {
    const before = internal.requests.length;
    const answers = await probes(allowing.url);
    expect(answers).toHaveLength(10);
    for (const a of answers) {
      expect(a.status, a.what).toBeLessThan(600);
      for (const part of INTERNAL_SECRET.split(" ")) expect(a.text, `${a.what}: ${a.text}`).not.toContain(part);
    }
    const slot = answers.find((a) => a.what === "slot with a hint")!;
    expect(slot.status).toBe(404);
    expect(JSON.parse(slot.text).error).toBe(`scheduler ${internal.url} answered 404`);
    expect(internal.requests.length - before).toBeGreaterThan(0); // the probes are real: it was reached
    expect(redirector.requests.length).toBeGreaterThan(0);
  });
});

test("the dashboard is served with its Content-Security-Policy (what `curl -sI /dashboard/` shows)", async () => {
  const res = await fetch(`${denying.url}/dashboard/`, { method: "HEAD" });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' http: https: ws: wss:;.* frame-ancestors 'none'$/);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
});
