/**
 * Failures the core reports reach the client through the one error mapping (worker/http/errors.ts)
 * as the status their code names, never as a bare 500. The table is checked by the compiler
 * against every error-code union (`npm test` type-checks this file first).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { expect, expectTypeOf, test, vi } from "vitest";
import type { Ans104ErrorCode } from "../../src/ans104/errors.ts";
import { signItem } from "../../src/ans104/sign.ts";
import type { KeyError } from "../../src/crypto/keys.ts";
import type { FormatError } from "../../src/formats/errors.ts";
import { RemoteError, type RemoteErrorCode } from "../../src/remote/errors.ts";
import type { GatewayErrorCode } from "../../src/remote/gateway.ts";
import type { ScheduleErrorCode } from "../../src/schedule/errors.ts";
import { schedulingMode } from "../../worker/config.ts";
import { createApp } from "../../worker/http/app.ts";
import { errorResponse, STATUS_BY_CODE, type ErrorCode } from "../../worker/http/errors.ts";
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

/** Every code the core's error types can carry, listed here apart from the table's own type. */
type CoreCodes = ScheduleErrorCode | RemoteErrorCode | Ans104ErrorCode | GatewayErrorCode | FormatError["code"] | KeyError["code"];

test("the error-to-status table has exactly one status for every code of every core error type", () => {
  expectTypeOf<keyof typeof STATUS_BY_CODE>().toEqualTypeOf<CoreCodes>();
  expectTypeOf<ErrorCode>().toEqualTypeOf<CoreCodes>();
  const { fork: _, ...missingOne } = STATUS_BY_CODE;
  // @ts-expect-error a table missing a code does not type-check: the code could otherwise become a 500
  const incomplete: Record<ErrorCode, number> = missingOne;
  expect(Object.keys(incomplete)).toHaveLength(Object.keys(STATUS_BY_CODE).length - 1);
  for (const [code, status] of Object.entries(STATUS_BY_CODE)) expect([400, 404, 413, 502, 503, 504], code).toContain(status);
});

test("each code reaches the client as its table status; remote-rejected passes the remote's 4xx on, and is a 502 without one", async () => {
  const app = new Hono();
  let thrown: unknown;
  app.get("/", () => {
    throw thrown;
  });
  app.onError(errorResponse);
  const logged = vi.spyOn(console, "error").mockImplementation(() => {}); // 5xx are logged; these are on purpose
  for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
    thrown = Object.assign(new Error(`failed with ${code}`), { code });
    const res = await app.fetch(new Request("http://scheduler.test/"));
    expect(res.status, code).toBe(status);
    expect(await res.json()).toEqual({ error: `failed with ${code}` });
  }
  thrown = new RemoteError("remote-rejected", "scheduler https://su.test answered 404", { remote: "https://su.test", status: 404 });
  expect((await app.fetch(new Request("http://scheduler.test/"))).status).toBe(404);
  thrown = new RemoteError("remote-rejected", "scheduler https://su.test answered 404", { remote: "https://su.test" });
  expect((await app.fetch(new Request("http://scheduler.test/"))).status).toBe(502);
  logged.mockRestore();
});

test("a Durable Object past what one object can take (the runtime's overloaded error) is a 503 with retry-after, not a bare 500", async () => {
  const app = new Hono();
  app.get("/", () => {
    throw Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true });
  });
  app.onError(errorResponse);
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const res = await app.fetch(new Request("http://scheduler.test/"));
  logged.mockRestore();
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("1");
  expect(await res.json()).toEqual({ error: "Durable Object is overloaded. Too many requests queued." });
});

test("schedulingMode's refusal of a SCHEDULING_MODE that cannot work (a deployed variable edited by hand) reaches the client as a 503 naming it, not a bare 500", async () => {
  const app = new Hono();
  app.get("/", () => new Response(schedulingMode({ SCHEDULING_MODE: "fast" } as Env)));
  app.onError(errorResponse);
  const logged = vi.spyOn(console, "error").mockImplementation(() => {});
  const res = await app.fetch(new Request("http://scheduler.test/"));
  logged.mockRestore();
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({ error: 'SCHEDULING_MODE must be one of local_confirmation, aggressive; got "fast"' });
});
