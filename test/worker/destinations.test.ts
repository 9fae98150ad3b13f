/**
 * Where request data can send this node (docs/security.md), in workerd with no REMOTE_PRIVATE
 * binding, as deployed: hints and location records aimed at loopback, private or non-http
 * destinations are refused with a 400 naming the rule, or passed over, before anything is sent.
 */
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { ed25519Signer } from "../../src/crypto/signers.ts";
import { signLocation } from "../../src/remote/location.ts";
import { signProcess } from "../support/items.ts";
import { seed } from "../support/keys.ts";
import { call, json, post, testClient } from "./support.ts";

const unknownPid = () => crypto.randomUUID().replaceAll("-", "").padEnd(43, "A").slice(0, 43);

describe("hints", () => {
  const hints: [string, string][] = [
    ["http://127.0.0.1:8793", "loopback"],
    ["http://127.1:8793", "loopback"],
    ["http://[::ffff:7f00:1]:8793", "loopback"],
    ["http://localhost:8793", "loopback"],
    ["http://10.0.0.7", "private"],
    ["http://169.254.169.254", "link-local"],
    ["http://[fd00::1]", "unique-local"],
    ["http://0.0.0.0:8793", "reserved"],
    ["https://user:secret@su.example", "credentials"],
  ];

  test.each(hints)("a hint to %s is a 400 naming the %s rule, on reads and writes", async (hint, rule) => {
    const pid = unknownPid();
    const q = encodeURIComponent(hint);
    for (const path of [`/~scheduler@1.0/slot?target=${pid}&hint=${q}`, `/${pid}/schedule?hint=${q}`, `/${pid}/slot?hint=${q}`]) {
      const res = await call(path);
      const body = await json(res);
      expect(res.status, `${path}: ${body.error}`).toBe(400);
      expect(body.rule).toBe(rule);
      expect(body.error).toMatch(/^destination ".*"/);
      expect(body.error).not.toContain("secret");
    }
    const message = await signProcess(await testClient(), "not-this-node", [{ name: "Name", value: crypto.randomUUID() }]);
    const res = await post(message, `/~scheduler@1.0/schedule?hint=${q}`);
    expect(res.status).toBe(400);
    expect((await json(res)).rule).toBe(rule);
  });
});

describe("location records", () => {
  const record = async (n: number, url: string) => (await signLocation(await ed25519Signer(seed(n)), { url, variant: "ao.N.1", nonce: 1, ttl: 60_000, timestamp: Date.now() })).raw;

  test("a posted record whose Url is private is refused with a 400 naming the rule, and not kept", async () => {
    const signer = await ed25519Signer(seed(0x41));
    const res = await post(await record(0x41, "http://192.168.1.20:8080"), "/~scheduler@1.0/location");
    const body = await json(res);
    expect(res.status, body.error).toBe(400);
    expect(body).toMatchObject({ rule: "private", url: "http://192.168.1.20:8080" });
    expect((await call(`/~scheduler@1.0/location?address=${signer.address}`)).status).toBe(404);
  });

  test("a posted record whose Url is public is kept", async () => {
    const res = await post(await record(0x42, "https://su.example"), "/~scheduler@1.0/location");
    expect(res.status).toBe(200);
  });

  test("a held record whose Url is loopback is passed over: a spawn naming its signer is refused with 404, its reason naming the rule", async () => {
    // As if kept before this policy, or while private destinations were allowed.
    const signer = await ed25519Signer(seed(0x43));
    const kept = await env.NODE.getByName("node").keepLocation(await record(0x43, "http://127.0.0.1:9"), false);
    expect(kept.ok).toBe(true);
    const process = await signProcess(await testClient(), signer.address, [{ name: "Name", value: crypto.randomUUID() }]);
    const res = await post(process);
    const body = await json(res);
    expect(res.status, body.error).toBe(404);
    expect(body.error).toContain(`names scheduler ${signer.address}, which is not this node`);
    expect(body.error).toContain(`cannot be located: destination "http://127.0.0.1:9" is a loopback address`);
  });
});
