/**
 * The IndexedDB Store (web/src/idb-store.ts) over fake-indexeddb: the shared conformance suite,
 * one fresh database per test, plus what only a shared database can get wrong.
 */
import type { StoreKey, StoreValue } from "idb";
import { expect, expectTypeOf, test } from "vitest";
import type { DashboardSchema, SlotRecord } from "../../web/src/db.ts";
import { IdbStore } from "../../web/src/idb-store.ts";
import { runStoreSuite, slotOf } from "../core/schedule/store.case.ts";
import { withDb } from "./fresh-db.ts";

runStoreSuite({ name: "IndexedDB (fake-indexeddb)", withStore: (body) => withDb((db) => body(new IdbStore(db, "P".repeat(43)))) });

test("two processes in one database see only their own slots", () =>
  withDb(async (db) => {
    const a = new IdbStore(db, "A".repeat(43));
    const b = new IdbStore(db, "B".repeat(43));
    for (let n = 0; n < 3; n++) await a.append(slotOf(n));
    await b.append(slotOf(0, { timestamp: 5_000 }));
    expect((await a.last())?.slot).toBe(2);
    expect((await b.last())?.slot).toBe(0);
    expect(await b.get(1)).toBeUndefined();
    expect((await b.range({ from: 0, to: 10, limit: 10, maxBytes: 1e9 })).map((s) => s.timestamp)).toEqual([5_000]);
    expect(await b.slotOfMessage(slotOf(2).messageId)).toBeUndefined();
    expect(await b.slotOfAssignment(slotOf(1).assignmentId)).toBeUndefined();
    expect(await a.firstSlotAfter(1_020)).toBeUndefined(); // b's slot at 5000 is not a's
    expect(await b.lastSlotAtOrBefore(4_999)).toBeUndefined(); // nor are a's at 1000-1020 b's
    expect(await new IdbStore(db, "C".repeat(43)).last()).toBeUndefined();
  }));

test("an append that is not the next slot is refused with a RangeError and stores nothing", () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    await store.append(slotOf(0));
    await expect(store.append(slotOf(2))).rejects.toThrow(new RangeError("append: expected slot 1, got 2"));
    await expect(store.append(slotOf(0))).rejects.toThrow(RangeError);
    expect(await store.get(2)).toBeUndefined();
    expect((await store.last())?.slot).toBe(0);
    await store.append(slotOf(1));
    expect((await store.last())?.slot).toBe(1);
  }));

test("the schema types slots as SlotRecord keyed [processId, slot]", () => {
  expectTypeOf<StoreValue<DashboardSchema, "slots">>().toEqualTypeOf<SlotRecord>();
  expectTypeOf<StoreKey<DashboardSchema, "slots">>().toEqualTypeOf<[string, number]>();
  expectTypeOf<StoreKey<DashboardSchema, "mirrors">>().toEqualTypeOf<string>();
});

test("a slot whose bytes are views into a larger buffer (a whole page) is stored as its own bytes only", () =>
  withDb(async (db) => {
    const page = new Uint8Array(100_000).fill(9);
    const store = new IdbStore(db, "p".repeat(43));
    await store.append({ ...slotOf(0), assignment: page.subarray(10, 110), message: page.subarray(200, 250) });
    const back = (await store.get(0))!;
    expect([back.assignment.buffer.byteLength, back.message!.buffer.byteLength]).toEqual([100, 50]);
  }));
