/** ProcessObject's RPC surface: every method answers an Outcome, so failures keep their code across RPC. */
import { env, type DurableObject } from "cloudflare:workers";
import { expect, expectTypeOf, test } from "vitest";
import type { Outcome } from "../../worker/contract.ts";
import type { ProcessObject } from "../../worker/objects/process-object.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { signMessage } from "../support/items.ts";
import { current, spawn, testClient } from "./support.ts";

type RpcMethod = Exclude<keyof ProcessObject, keyof DurableObject>;

test("every RPC method of ProcessObject is typed to answer an Outcome", () => {
  type Answers = { [K in RpcMethod]: ProcessObject[K] extends (...args: never[]) => Promise<Outcome<unknown>> ? true : false };
  expectTypeOf<Answers>().toEqualTypeOf<{ [K in RpcMethod]: true }>();
});

test("reads answer ok with their value; a refused write answers its code", async () => {
  const pid = (await spawn()).id;
  const stub = env.PROCESS.getByName(pid);
  const q = { from: 0, limit: 10, maxBytes: 1_000_000 };
  const reads = {
    state: await stub.state(pid),
    read: await stub.read(pid, q),
    readLegacy: await stub.readLegacy(pid, { mode: "nonce", from: undefined, to: undefined, limit: 10, maxBytes: 1_000_000 }),
    next: await stub.next(pid, q, 0),
    slot: await stub.slot(pid, 0),
    find: await stub.find(pid, pid),
  };
  for (const [method, answer] of Object.entries(reads)) expect(answer.ok, method).toBe(true);
  expect(reads.state).toEqual({ ok: true, value: expect.objectContaining({ current: 0 }) });
  expect(reads.find).toEqual({ ok: true, value: expect.objectContaining({ slot: 0, messageId: pid }) });

  const unknown = `${"U".repeat(42)}A`;
  const refused = await env.PROCESS.getByName(unknown).assign(unknown, pid, {});
  expect(refused).toEqual({ ok: false, code: "unknown-process", message: `process ${unknown} is not known to this scheduler` });
});

test("scheduleAll answers each item as schedule would, in order: new slots, a re-post's first slot, another process's item refused alone", async () => {
  const pid = (await spawn()).id;
  const other = (await spawn()).id;
  const client = await testClient();
  const [a, b, elsewhere] = await Promise.all([signMessage(client, pid, "a"), signMessage(client, pid, "b"), signMessage(client, other, "x")]);
  const item = (m: DataItem) => ({ raw: m.raw, id: m.id, opts: {} });
  const all = await env.PROCESS.getByName(pid).scheduleAll(pid, [item(a), item(elsewhere), item(b), item(a)]);
  if (!all.ok) throw new Error(all.message);
  const [first, refused, second, again] = all.value;
  expect(first).toEqual({ ok: true, value: expect.objectContaining({ slot: 1, created: true, messageId: a.id }) });
  expect(refused).toEqual({ ok: false, code: "invalid-message", message: expect.stringContaining(`is for process ${other}`) });
  expect(second).toEqual({ ok: true, value: expect.objectContaining({ slot: 2, created: true, messageId: b.id }) });
  expect(again).toEqual({ ok: true, value: expect.objectContaining({ slot: 1, created: false }) });
  expect(await current(pid)).toBe(2);
});
