/** One process under concurrent writers (D6) and re-posts (D7), through the real worker and SQLite. */
import { describe, expect, test } from "vitest";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { chainNext } from "../../src/schedule/hash-chain.ts";
import { signMessage } from "../support/items.ts";
import { bundleOf, current, json, post, postAtOnce, spawn, testClient } from "./support.ts";

describe("consistency", () => {
  test("64 concurrent posts give 64 distinct contiguous slots with a valid chain", async () => {
    const { id: pid } = await spawn();
    const client = await testClient();
    const items = await Promise.all(Array.from({ length: 64 }, (_, i) => signMessage(client, pid, `c${i}`)));
    const responses = await Promise.all(items.map((m) => post(m, `/${pid}/schedule`)));
    expect(responses.map((r) => r.status)).toEqual(Array(64).fill(200));
    const slots = await Promise.all(responses.map(async (r) => (await json(r)).slot as number));
    expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    const bundle = await bundleOf(pid);
    const assignments = bundle.filter((_, i) => i % 2 === 0);
    expect(assignments).toHaveLength(65);
    for (let n = 1; n < assignments.length; n++) {
      const prev = readAssignment(assignments[n - 1]);
      expect(readAssignment(assignments[n]).slot).toBe(n);
      expect(readAssignment(assignments[n]).hashChain, `slot ${n}`).toBe(chainNext(assignments[n - 1].id, prev.hashChain));
    }
  });

  test("a re-post returns the same assignment and takes no slot, even when concurrent", async () => {
    const process = await spawn();
    const pid = process.id;
    const m = await signMessage(await testClient(), pid, "once");
    const first = await json(await post(m, `/${pid}/schedule`));
    const again = await Promise.all(Array.from({ length: 8 }, () => post(m, `/${pid}/schedule`).then(json)));
    for (const a of again) expect(a.commitments).toEqual(first.commitments);
    expect(await current(pid)).toBe(1);
    const respawn = await json(await post(process));
    expect(respawn.slot).toBe(0);
    expect(await current(pid)).toBe(1);
  });

  test("many processes in parallel each keep their own contiguous schedule", async () => {
    const pids = await Promise.all(Array.from({ length: 8 }, async () => (await spawn()).id));
    const client = await testClient();
    await Promise.all(pids.flatMap((pid) => Array.from({ length: 6 }, async (_, i) => post(await signMessage(client, pid, `x${i}`), `/${pid}/schedule`))));
    for (const pid of pids) expect(await current(pid)).toBe(6);
  });

  test("16 concurrent posts to one process reach its object in fewer than 16 calls (GROUP_WRITES, the default), each answered its own slot", async () => {
    const { responses, calls } = await postAtOnce(16);
    expect(responses.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(calls).toBeLessThan(16);
    const slots = await Promise.all(responses.map(async (r) => (await json(r)).slot as number));
    expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });
});
