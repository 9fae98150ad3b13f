/**
 * Group commit under `npm start` (worker/routing/coalesce.ts): posts to one process that arrive
 * while calls to its object are in flight share the next call, each still answered with its own
 * slot, with the node's two workerd processes as `npm start` runs them (test/worker/coalesce.test.ts
 * has the grouping's own rules).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { readBundle } from "../../src/ans104/bundle.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { chainNext } from "../../src/schedule/hash-chain.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";

let node: Server;
let dir = "";
let client: Signer;

async function post(item: DataItem, path = "/~scheduler@1.0/schedule"): Promise<{ status: number; json: any }> {
  const res = await fetch(`${node.url}${path}`, { method: "POST", headers: { "content-type": "application/ans104" }, body: item.raw as Uint8Array<ArrayBuffer> });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

async function spawnProcess(): Promise<string> {
  const address = (await (await fetch(`${node.url}/~scheduler@1.0/info`)).json()).address as string;
  const process = await signProcess(client, address);
  expect((await post(process)).status).toBe(200);
  return process.id;
}

/** The isolate's write calls and the items they carried (/metrics). */
async function writeCalls(): Promise<{ calls: number; items: number }> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
  return { calls: value("ao_scheduler_write_calls_total"), items: value("ao_scheduler_write_call_items_total") };
}

beforeAll(async () => {
  client = await clientSigner();
  dir = await mkdtemp(join(tmpdir(), "ao-group-"));
  node = startServer(await freePort(), dir);
  await waitReady(node);
}, 180_000);

afterAll(async () => {
  if (node) await stopServer(node);
  await rm(dir, { recursive: true, force: true });
}, 60_000);

test("128 concurrent posts to one process: each answered 200 with its own slot, 1 to 128, a contiguous chained schedule, in fewer object calls than posts", async () => {
  const pid = await spawnProcess();
  const messages = await Promise.all(Array.from({ length: 128 }, (_, i) => signMessage(client, pid, `g${i}`)));
  const before = await writeCalls();
  const answers = await Promise.all(messages.map((m) => post(m, `/${pid}/schedule`)));
  const after = await writeCalls();
  expect(answers.map((a) => a.status)).toEqual(Array(128).fill(200));
  const slotOf = new Map(answers.map((a, i) => [messages[i].id, Number(a.json.slot)]));
  expect([...slotOf.values()].sort((x, y) => x - y)).toEqual(Array.from({ length: 128 }, (_, i) => i + 1));
  expect(after.items - before.items).toBe(128);
  expect(after.calls - before.calls).toBeLessThan(128);

  const res = await fetch(`${node.url}/~scheduler@1.0/schedule?target=${pid}`, { headers: { accept: "application/ans104" } });
  const items = readBundle(new Uint8Array(await res.arrayBuffer()));
  const assignments = items.filter((_, i) => i % 2 === 0);
  expect(assignments).toHaveLength(129);
  for (let n = 1; n < assignments.length; n++) {
    const a = readAssignment(assignments[n]);
    expect(a.slot).toBe(n);
    expect(a.hashChain, `slot ${n}`).toBe(chainNext(assignments[n - 1].id, readAssignment(assignments[n - 1]).hashChain));
    expect(slotOf.get(a.messageId!), `the answer for slot ${n}'s message`).toBe(n);
  }
}, 120_000);

test("re-posts grouped with new posts are answered with their first slot and take none", async () => {
  const pid = await spawnProcess();
  const first = await signMessage(client, pid, "first");
  expect((await post(first, `/${pid}/schedule`)).json.slot).toBe(1);
  const fresh = await Promise.all(Array.from({ length: 32 }, (_, i) => signMessage(client, pid, `n${i}`)));
  const mixed = fresh.flatMap((m) => [m, first]);
  const answers = await Promise.all(mixed.map((m) => post(m, `/${pid}/schedule`)));
  expect(answers.map((a) => a.status)).toEqual(Array(64).fill(200));
  answers.filter((_, i) => i % 2 === 1).forEach((a) => expect(a.json.slot).toBe(1));
  expect(answers.filter((_, i) => i % 2 === 0).map((a) => Number(a.json.slot)).sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i + 2));
  expect((await (await fetch(`${node.url}/${pid}/slot/current`)).text()).trim()).toBe("33");
}, 120_000);
