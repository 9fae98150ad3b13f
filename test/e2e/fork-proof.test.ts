/**
 * A fork kept as a proof, end to end: node A (`npm start`) serves, through its verified cache, a
 * process another scheduler holds (reached through a hint). That scheduler (a small server here,
 * signing with its own key) then equivocates: it serves another validly signed assignment for a
 * slot A keeps. A answers 502 naming the fork, lists the proof at `GET /~scheduler@1.0/forks`
 * and serves it; `npm run verify-proof` accepts the file, and rejects it with either item altered.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { b64url, fromB64url } from "../../src/crypto/base64url.ts";
import type { ForkProof } from "../../src/remote/fork-proof.ts";
import type { Fetch } from "../../src/remote/http.ts";
import { MemoryStore } from "../../src/schedule/memory-store.ts";
import { Scheduler } from "../../src/schedule/scheduler.ts";
import { serveFetch, type Served } from "./fetch-server.ts";
import { signMessage } from "../support/items.ts";
import { clientSigner, schedulerSigner } from "../support/keys.ts";
import { serveSchedule } from "../support/remote-source.ts";
import { signedSchedule } from "../support/signed-schedule.ts";
import { freePort, ROOT, startServer, stopServer, waitReady, type Server } from "./server.ts";

let a: Server;
let remote: Served;
let dir = "";
let schedule: Awaited<ReturnType<typeof signedSchedule>>;
let forked: MemoryStore;
/** What the remote scheduler serves now: its schedule, then the forked one. */
let serving: Fetch;
let servingForked: Fetch;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ao-fork-"));
  schedule = await signedSchedule(5);
  // The same slots 0-4, then another message at slot 5, signed by the same scheduler key.
  forked = new MemoryStore();
  for (let n = 0; n <= 4; n++) await forked.append((await schedule.store.get(n))!);
  const client = await clientSigner();
  await (await Scheduler.open({ processId: schedule.pid, store: forked, signer: await schedulerSigner() })).schedule(await signMessage(client, schedule.pid, "the other slot 5"));
  serving = serveSchedule(schedule.pid, schedule.store, { pageSize: 100 }).fetch;
  servingForked = serveSchedule(schedule.pid, forked, { pageSize: 100 }).fetch;
  remote = await serveFetch((url, init) => serving(url, init));
  a = startServer(await freePort(), join(dir, "a"));
  await waitReady(a);
}, 180_000);

afterAll(async () => {
  if (a) await stopServer(a);
  await remote?.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** Runs `npm run verify-proof -- file` as a user would; its exit status and its one line. */
function verifyProof(file: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ["scripts/verify-proof.mjs", file], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, out: r.stdout };
}

async function altered(proof: ForkProof, i: 0 | 1, name: string): Promise<string> {
  const bytes = fromB64url(proof.assignments[i]);
  bytes[10] ^= 1; // a byte of its signature (after the 2-byte signature type)
  const assignments = [...proof.assignments] as [string, string];
  assignments[i] = b64url(bytes);
  const file = join(dir, name);
  await writeFile(file, JSON.stringify({ ...proof, assignments }));
  return file;
}

describe("a scheduler that equivocates", () => {
  test("is caught by node A's cache as a fork at slot 5 (502), whose proof A lists and serves, and `npm run verify-proof` accepts it and rejects it with either assignment altered", async () => {
    const read = (from: number) => fetch(`${a.url}/${schedule.pid}/schedule?hint=${remote.url}&from=${from}`);
    const first = await read(0);
    expect(first.status).toBe(200);
    expect(await (await fetch(`${a.url}/~scheduler@1.0/forks`)).json()).toEqual({ forks: [], count: 0, limit: 1000 });

    serving = servingForked;
    const second = await read(5);
    expect(second.status).toBe(502);
    const error = (await second.json()) as { error: string; slot: number };
    expect(error.slot).toBe(5);
    expect(error.error).toContain("fork at slot 5");
    expect(error.error).toContain("a proof is kept");

    const list = (await (await fetch(`${a.url}/~scheduler@1.0/forks`)).json()) as { forks: { id: string; process: string; slot: number; scheduler: string; source: string; proof: string }[]; count: number };
    expect(list.count).toBe(1);
    expect(list.forks).toHaveLength(1);
    const held = list.forks[0];
    expect(held).toMatchObject({ process: schedule.pid, slot: 5, scheduler: (await schedulerSigner()).address, source: remote.url, proof: `/~scheduler@1.0/forks/${held.id}` });

    const answer = await fetch(`${a.url}${held.proof}`);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    const proof = JSON.parse(text) as ForkProof;
    expect(proof.assignments).toEqual([b64url((await schedule.store.get(5))!.assignment), b64url((await forked.get(5))!.assignment)]);
    const file = join(dir, "fork.json");
    await writeFile(file, text);
    const ok = verifyProof(file);
    expect(ok.out).toBe(`valid: scheduler ${held.scheduler} signed two assignments for slot 5 of process ${schedule.pid}: ${(await schedule.store.get(5))!.assignmentId} and ${(await forked.get(5))!.assignmentId}\n`);
    expect(ok.status).toBe(0);

    for (const i of [0, 1] as const) {
      const bad = verifyProof(await altered(proof, i, `fork-altered-${i}.json`));
      expect(bad.out).toMatch(new RegExp(`^invalid: assignment ${i} \\(.{43}\\): signature invalid-signature\\n$`));
      expect(bad.status).toBe(1);
    }
    expect((await fetch(`${a.url}/~scheduler@1.0/forks/${"A".repeat(43)}`)).status).toBe(404);
  });
});
