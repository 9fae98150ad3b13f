/**
 * The operator's policy over writes (docs/security.md "Who may write"), through the real app in
 * workerd with the settings given: SPAWN_ALLOW (a spawn by another owner is a 403 naming it),
 * RATE_LIMIT_SIGNER and RATE_LIMIT_IP (a 429 with retry-after), Cloudflare's rate-limiting
 * bindings when present, and settings that cannot be used (a 503 naming them).
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { createApp } from "../../worker/http/app.ts";
import { TokenBuckets } from "../../worker/routing/write-policy.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { seed } from "../support/keys.ts";
import { json, schedulerAddress } from "./support.ts";

const app = createApp();
type Settings = Partial<Record<"SPAWN_ALLOW" | "RATE_LIMIT_SIGNER" | "RATE_LIMIT_IP", string>> & { SIGNER_RATE_LIMIT?: RateLimit; IP_RATE_LIMIT?: RateLimit };

const request = (path: string, settings: Settings, init: RequestInit & { ip?: string } = {}) =>
  app.fetch(new Request(`http://scheduler.test${path}`, { ...init, headers: { ...(init.ip ? { "cf-connecting-ip": init.ip } : {}), ...(init.headers as Record<string, string>) } }), { ...env, ...settings }, createExecutionContext());

const postItem = (raw: Uint8Array, settings: Settings, ip?: string, path = "/~scheduler@1.0/schedule") =>
  request(path, settings, { method: "POST", headers: { "content-type": "application/ans104" }, body: raw, ip });

let n = 0x60;
const freshSigner = () => ed25519Signer(seed(n++));
const spawnBy = async (signer: Signer) => signProcess(signer, await schedulerAddress(), [{ name: "Name", value: crypto.randomUUID() }]);

describe("SPAWN_ALLOW", () => {
  test("Spawn by an owner SPAWN_ALLOW does not name: a spawn by an owner it names is scheduled; by any other owner it is a 403 naming the owner, and nothing is scheduled", async () => {
    const [a, b] = [await freshSigner(), await freshSigner()];
    const settings = { SPAWN_ALLOW: `${a.address}, ${(await freshSigner()).address}` };
    expect((await postItem((await spawnBy(a)).raw, settings)).status).toBe(200);
    const refused = await spawnBy(b);
    for (const path of ["/~scheduler@1.0/schedule", "/"]) {
      const res = await postItem(refused.raw, settings, undefined, path);
      const body = await json(res);
      expect(res.status, body.error).toBe(403);
      expect(body).toEqual({ error: `owner ${b.address} may not spawn processes on this node: SPAWN_ALLOW does not name it`, owner: b.address });
    }
    expect((await request(`/${refused.id}/slot`, settings)).status).toBe(404);
  });

  test("only spawns are checked: anyone may post messages to a process here", async () => {
    const [a, b] = [await freshSigner(), await freshSigner()];
    const settings = { SPAWN_ALLOW: a.address };
    const process = await spawnBy(a);
    expect((await postItem(process.raw, settings)).status).toBe(200);
    expect((await postItem((await signMessage(b, process.id, "from b")).raw, settings, undefined, `/${process.id}/schedule`)).status).toBe(200);
  });
});

describe("rate limits", () => {
  test("A write past RATE_LIMIT_SIGNER or RATE_LIMIT_IP: RATE_LIMIT_SIGNER: past the limit a signer's write is a 429 with retry-after naming the signer; another signer is unaffected", async () => {
    const [a, b] = [await freshSigner(), await freshSigner()];
    const settings = { RATE_LIMIT_SIGNER: "3" };
    const process = await spawnBy(a);
    expect((await postItem(process.raw, settings)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await postItem((await signMessage(a, process.id, `m${i}`)).raw, settings)).status).toBe(200);
    const res = await postItem((await signMessage(a, process.id, "one too many")).raw, settings);
    const body = await json(res);
    expect(res.status, body.error).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({ signer: a.address, limit: 3, "retry-after": Number(res.headers.get("retry-after")) });
    expect(body.error).toMatch(new RegExp(`^too many writes from signer ${a.address}: at most 3 a minute on this node; retry after \\d+ s$`));
    expect((await postItem((await signMessage(b, process.id, "b is fine")).raw, settings)).status).toBe(200);
  });

  test("RATE_LIMIT_IP: past the limit any POST from that address is a 429 naming it; other addresses and reads are unaffected", async () => {
    const signer = await freshSigner();
    const settings = { RATE_LIMIT_IP: "2" };
    const process = await spawnBy(signer);
    expect((await postItem(process.raw, settings, "203.0.113.7")).status).toBe(200);
    expect((await postItem(process.raw, settings, "203.0.113.7")).status).toBe(200); // a re-post is a write too
    const res = await postItem((await signMessage(signer, process.id)).raw, settings, "203.0.113.7");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await json(res)).error).toMatch(/^too many writes from address 203\.0\.113\.7: at most 2 a minute/);
    const junk = await request("/", settings, { method: "POST", body: "junk", ip: "203.0.113.7" });
    expect(junk.status).toBe(429); // refused before its body is read
    expect((await postItem((await signMessage(signer, process.id)).raw, settings, "203.0.113.8")).status).toBe(200);
    expect((await request(`/${process.id}/slot`, settings, { ip: "203.0.113.7" })).status).toBe(200);
  });

  test("with Cloudflare's rate-limiting binding, its refusal is a 429 too, after the in-memory bucket allowed the write", async () => {
    const keys: string[] = [];
    const binding: RateLimit = { limit: async ({ key }) => (keys.push(key), { success: false }) };
    const signer = await freshSigner();
    const res = await postItem((await spawnBy(signer)).raw, { RATE_LIMIT_SIGNER: "100", SIGNER_RATE_LIMIT: binding });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(keys).toEqual([signer.address]);
  });

  test("a setting the worker cannot use is a 503 on writes naming it", async () => {
    for (const [settings, name] of [[{ RATE_LIMIT_IP: "lots" }, "RATE_LIMIT_IP"], [{ RATE_LIMIT_SIGNER: "0" }, "RATE_LIMIT_SIGNER"], [{ SPAWN_ALLOW: "alice" }, "SPAWN_ALLOW"]] as const) {
      const res = await postItem((await spawnBy(await freshSigner())).raw, settings, "203.0.113.9");
      expect(res.status).toBe(503);
      expect((await json(res)).error).toMatch(new RegExp(`^${name} must be`));
    }
  });

  test("token buckets: the limit at once, then one more each 1/limit of a minute, and how long to wait", () => {
    const buckets = new TokenBuckets(2);
    expect([buckets.take("k", 0), buckets.take("k", 0), buckets.take("k", 0)]).toEqual([0, 0, 30]);
    expect(buckets.take("k", 10_000)).toBe(20);
    expect(buckets.take("k", 30_000)).toBe(0);
    expect(buckets.take("other", 30_000)).toBe(0);
  });
});
