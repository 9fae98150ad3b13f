/** Re-checking a kept schedule (src/remote/audit.ts): counts, and the first broken link named exactly. */
import { describe, expect, test } from "vitest";
import { auditSchedule, mergeAudits } from "../../../src/remote/audit.ts";
import { chainStateOf } from "../../../src/remote/verify.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import type { Store, StoredSlot } from "../../../src/schedule/store.ts";
import { withTag } from "../../support/altered.ts";
import { signedSchedule } from "../../support/signed-schedule.ts";

/** The schedule's slots copied into a fresh store, `change` applied to each on the way. */
async function copy(from: Store, change: (s: StoredSlot) => StoredSlot = (s) => s): Promise<MemoryStore> {
  const to = new MemoryStore();
  for (const s of await from.range({ from: 0, to: 1e9, limit: 1e9, maxBytes: 1e12 })) await to.append(change(s));
  return to;
}

describe("auditSchedule", () => {
  test("a sound schedule of 25 slots audits with every slot verified, in batches of 10, reporting progress after each", async () => {
    const src = await signedSchedule(24);
    const progress: number[] = [];
    const r = await auditSchedule(src.store, { processId: src.pid, scheduler: src.scheduler.address }, { batch: 10, onProgress: (n) => progress.push(n) });
    expect(r).toEqual({ checked: 25, verified: 25, chainChecked: 0, unverified: 0 });
    expect(progress).toEqual([10, 20, 25]);
  });

  test("an assignment altered at slot 12 is the broken link: slot 12, its signature check, and 12 slots counted before it", async () => {
    const src = await signedSchedule(20);
    const store = await copy(src.store, (s) => (s.slot === 12 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    const r = await auditSchedule(store, { processId: src.pid, scheduler: undefined }, { batch: 5 });
    expect(r.checked).toBe(12);
    expect(r.broken).toMatchObject({ slot: 12, check: "assignment signature", expected: "a valid signature", found: "invalid-signature" });
  });

  test("a Hash-Chain that does not follow from slot 6 breaks at slot 7 with the expected and found chain values", async () => {
    const src = await signedSchedule(10);
    const store = await copy(src.store, (s) => (s.slot === 7 ? { ...s, assignment: withTag(s.assignment, "Hash-Chain", () => "x".repeat(43)) } : s));
    const r = await auditSchedule(store, { processId: src.pid, scheduler: undefined });
    expect(r.checked).toBe(7);
    expect(r.broken).toMatchObject({ slot: 7, check: "Hash-Chain", found: "x".repeat(43) });
    expect(r.broken!.expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("a schedule signed by another key than the scheduler named is broken at slot 0 (assignment signer)", async () => {
    const src = await signedSchedule(3);
    const r = await auditSchedule(src.store, { processId: src.pid, scheduler: "A".repeat(43) });
    expect(r).toMatchObject({ checked: 0, broken: { slot: 0, check: "assignment signer", expected: "A".repeat(43), found: src.scheduler.address } });
  });

  test("a slot kept as chain-checked (bytes a lossy source rebuilt) is counted as chain-checked; the same bytes kept as exact are broken", async () => {
    const src = await signedSchedule(4);
    // The last slot's signature is made not to hold, as over bytes a lossy rendering rebuilt.
    const resigned = (s: StoredSlot) => (s.slot === 4 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s);
    const kept = await copy(src.store, (s) => ({ ...resigned(s), status: s.slot === 4 ? "chain-checked" : s.status }));
    expect(await auditSchedule(kept, { processId: src.pid, scheduler: undefined })).toEqual({ checked: 5, verified: 4, chainChecked: 1, unverified: 0 });
    const exact = await copy(src.store, resigned);
    expect((await auditSchedule(exact, { processId: src.pid, scheduler: undefined })).broken).toMatchObject({ slot: 4, check: "assignment signature" });
  });

  test("a schedule audited in two parts (slots 0-9, then 10-24 against slot 9) counts the same as whole, and a break in the second part is named there", async () => {
    const src = await signedSchedule(24);
    const ctx = { processId: src.pid, scheduler: src.scheduler.address };
    const previous = chainStateOf((await src.store.get(9))!);
    expect(await auditSchedule(src.store, ctx, { from: 0, to: 9 })).toEqual({ checked: 10, verified: 10, chainChecked: 0, unverified: 0 });
    expect(await auditSchedule(src.store, ctx, { from: 10, to: 24, previous, batch: 4 })).toEqual({ checked: 15, verified: 15, chainChecked: 0, unverified: 0 });
    const store = await copy(src.store, (s) => (s.slot === 17 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    expect(await auditSchedule(store, ctx, { from: 10, to: 24, previous })).toMatchObject({ checked: 7, broken: { slot: 17, check: "assignment signature" } });
  });

  test("three parts (0-9, 10-19 broken at 14, 20-24) merge as the whole audit does: counted to slot 14, broken there, the third part ignored", async () => {
    const src = await signedSchedule(24);
    const ctx = { processId: src.pid, scheduler: src.scheduler.address };
    const store = await copy(src.store, (s) => (s.slot === 14 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    const before = async (slot: number) => chainStateOf((await store.get(slot))!);
    const parts = [
      await auditSchedule(store, ctx, { from: 0, to: 9 }),
      await auditSchedule(store, ctx, { from: 10, to: 19, previous: await before(9) }),
      await auditSchedule(store, ctx, { from: 20, to: 24, previous: await before(19) }),
    ];
    expect(parts[2]).toEqual({ checked: 5, verified: 5, chainChecked: 0, unverified: 0 });
    const whole = await auditSchedule(store, ctx);
    expect(mergeAudits(parts)).toEqual(whole);
    expect(whole).toMatchObject({ checked: 14, broken: { slot: 14, check: "assignment signature" } });
  });

  test("an empty store audits as nothing checked and nothing broken", async () => {
    expect(await auditSchedule(new MemoryStore(), { processId: "p".repeat(43), scheduler: undefined })).toEqual({ checked: 0, verified: 0, chainChecked: 0, unverified: 0 });
  });
});
