/**
 * The other identity and mode (D1, D6, docs/architecture.md): an Arweave RSA-4096 key from
 * SCHEDULER_KEY, SCHEDULING_MODE=aggressive. Same guarantees: contiguous slots, valid chain,
 * verifiable assignments.
 */
import { expect, test } from "vitest";
import { verifyItem } from "../../src/ans104/verify.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { chainNext, chainSeed } from "../../src/schedule/hash-chain.ts";
import { signMessage } from "../support/items.ts";
import { bundleOf, call, current, json, post, schedulerAddress, spawn, testClient } from "../worker/support.ts";

test("info reports the RSA identity and aggressive mode", async () => {
  const info = await json(await call("/~scheduler@1.0/info"));
  expect(info["signature-type"]).toBe(1);
  expect(info["scheduling-mode"]).toBe("aggressive");
});

test("32 concurrent messages: contiguous slots, RSA-signed assignments on a valid chain, re-posts idempotent", async () => {
  const { id: pid } = await spawn();
  const client = await testClient();
  const items = await Promise.all(Array.from({ length: 32 }, (_, i) => signMessage(client, pid, `a${i}`)));
  const responses = await Promise.all(items.map((m) => post(m, `/${pid}/schedule`)));
  expect(responses.map((r) => r.status)).toEqual(Array(32).fill(200));
  expect((await Promise.all(responses.map(async (r) => (await json(r)).slot))).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));

  const again = await json(await post(items[5], `/${pid}/schedule`));
  expect(Object.keys(again.commitments)).toHaveLength(1);
  expect(await current(pid)).toBe(32);

  const assignments = (await bundleOf(pid)).filter((_, i) => i % 2 === 0);
  expect(assignments).toHaveLength(33);
  const address = await schedulerAddress();
  for (const [n, a] of assignments.entries()) {
    expect(a.signatureType).toBe(1);
    expect(addressOf(a.owner)).toBe(address);
    expect(await verifyItem(a), `slot ${n}`).toBe("valid");
    const expected = n === 0 ? chainSeed(pid) : chainNext(assignments[n - 1].id, readAssignment(assignments[n - 1]).hashChain);
    expect(readAssignment(a).hashChain).toBe(expected);
  }
});
