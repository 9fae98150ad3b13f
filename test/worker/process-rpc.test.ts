/** ProcessObject's RPC surface: every method answers an Outcome, so failures keep their code across RPC. */
import { env, type DurableObject } from "cloudflare:workers";
import { expect, expectTypeOf, test } from "vitest";
import type { Outcome } from "../../worker/contract.ts";
import type { ProcessObject } from "../../worker/objects/process-object.ts";
import { spawn } from "./support.ts";

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
