/**
 * Failures the core reports reach the client through the one error mapping (worker/errors.ts)
 * as the status their code names, never as a bare 500.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { signItem } from "../../src/ans104/sign.ts";
import { createApp } from "../../worker/http/app.ts";
import { signProcess } from "../support/items.ts";
import { json, legacyPost, schedulerAddress, testClient } from "./support.ts";

test("a stored assignment without a tag it needs is a 400 naming the tag, not a 500", async () => {
  const process = await signProcess(await testClient(), await schedulerAddress(), [{ name: "Name", value: crypto.randomUUID() }]);
  expect((await legacyPost(process)).status).toBe(200);
  // As if slot 0's stored assignment had lost its Timestamp tag.
  const tags = [
    { name: "Process", value: process.id },
    { name: "Nonce", value: "0" },
    { name: "Hash-Chain", value: process.id },
    { name: "Block-Height", value: "000000000000" },
  ];
  const broken = await signItem(await testClient(), { tags });
  await runInDurableObject(env.PROCESS.getByName(process.id), (_, state) => {
    state.storage.sql.exec("UPDATE slots SET assignment = ? WHERE slot = 0", broken.raw);
  });
  const res = await legacyPost(process); // a re-post answers the stored assignment's Timestamp
  const body = await json(res);
  expect(res.status, body.error).toBe(400);
  expect(body.error).toMatch(/^assignment [\w-]{43} has no Timestamp tag$/);
});

test("a SCHEDULER_KEY that cannot be used is a 503 naming the setting and what it accepts, never echoing the key", async () => {
  const app = createApp();
  const secret = "deadbeef".repeat(7);
  const keys: [string, RegExp][] = [
    [`${secret}!`, /^SCHEDULER_KEY is set but cannot be used: expected a 32-byte Ed25519 seed \(64 hex digits or 43 base64url characters\) or a JWK$/],
    [JSON.stringify({ kty: "RSA", n: "AQAB", d: secret }), /^SCHEDULER_KEY is set but cannot be used: RSA key: expected a 4096-bit modulus .*; use an Arweave RSA-4096 private JWK/],
  ];
  for (const [key, error] of keys) {
    const res = await app.fetch(new Request("http://scheduler.test/"), { ...env, SCHEDULER_KEY: key });
    const body = await json(res);
    expect(res.status, body.error).toBe(503);
    expect(body.error).toMatch(error);
    expect(body.error).not.toContain(secret);
  }
});

test("with an unusable SCHEDULER_KEY, /health is a 503 naming it and a write is a 503 naming it", async () => {
  const app = createApp();
  const bad = { ...env, SCHEDULER_KEY: "nonsense" };
  const health = await app.fetch(new Request("http://scheduler.test/health"), bad);
  const report = await json(health);
  expect(health.status).toBe(503);
  expect(report.status).toBe("failing");
  expect(report.checks.identity).toMatchObject({ ok: false, error: expect.stringMatching(/^SCHEDULER_KEY is set but cannot be used/) });
  expect(report.checks.storage.ok).toBe(true);
  const message = await signProcess(await testClient(), await schedulerAddress(), [{ name: "Name", value: crypto.randomUUID() }]);
  const write = await app.fetch(new Request("http://scheduler.test/", { method: "POST", body: message.raw }), bad);
  expect(write.status).toBe(503);
  expect((await json(write)).error).toMatch(/^SCHEDULER_KEY is set but cannot be used/);
});
