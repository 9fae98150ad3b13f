/**
 * The IndexedDB Store (web/src/idb-store.ts) over fake-indexeddb: the shared conformance suite,
 * one fresh database per test, plus what only a shared database can get wrong, how slots fall
 * into chunks, and the move of a version-2 database (a slot a record) into chunks.
 */
import { deleteDB, openDB, type StoreKey, type StoreValue } from "idb";
import { expect, expectTypeOf, test } from "vitest";
import { CHUNK, openDashboardDb, type ChunkRecord, type DashboardSchema } from "../../web/src/db.ts";
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

test("the schema types chunks as ChunkRecord keyed [processId, first slot]", () => {
  expectTypeOf<StoreValue<DashboardSchema, "chunks">>().toEqualTypeOf<ChunkRecord>();
  expectTypeOf<StoreKey<DashboardSchema, "chunks">>().toEqualTypeOf<[string, number]>();
  expectTypeOf<StoreKey<DashboardSchema, "mirrors">>().toEqualTypeOf<string>();
});

test(`slots fall into chunks of ${CHUNK} from slot 0: appends fill the last chunk before starting the next, and every slot reads back by slot, id and time`, () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    await store.appendAll(Array.from({ length: 150 }, (_, n) => slotOf(n)));
    await store.append(slotOf(150));
    await store.appendAll(Array.from({ length: 100 }, (_, n) => slotOf(151 + n)));
    const chunks = await db.getAll("chunks");
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => [c.first, c.slots.length, c.slots[0].slot, c.slots.at(-1)!.slot])).toEqual([[0, 100, 0, 99], [100, 100, 100, 199], [200, 51, 200, 250]]);
    expect(chunks.map((c) => [c.firstTimestamp, c.lastTimestamp])).toEqual([[1_000, 1_990], [2_000, 2_990], [3_000, 3_500]]);
    const fresh = new IdbStore(db, "P".repeat(43));
    for (const n of [0, 99, 100, 199, 200, 250]) {
      expect((await fresh.get(n))?.assignmentId).toBe(slotOf(n).assignmentId);
      expect(await fresh.slotOfMessage(slotOf(n).messageId)).toBe(n);
      expect(await fresh.slotOfAssignment(slotOf(n).assignmentId)).toBe(n);
    }
    expect(await fresh.get(251)).toBeUndefined();
    expect(await fresh.firstSlotAfter(1_995)).toBe(100);
    expect(await fresh.lastSlotAtOrBefore(2_005)).toBe(100);
    expect((await fresh.range({ from: 95, to: 205, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual(Array.from({ length: 111 }, (_, i) => 95 + i));
  }));

test("a version-2 database (a slot a record) opens with every slot moved into chunks, each process apart, and the old store gone", async () => {
  const name = "version-2";
  const old = await openDB(name, 2, {
    upgrade(d) {
      const slots = d.createObjectStore("slots", { keyPath: ["processId", "slot"] });
      slots.createIndex("message", ["processId", "messageId"]);
      slots.createIndex("assignment", ["processId", "assignmentId"]);
      slots.createIndex("timestamp", ["processId", "timestamp"]);
      d.createObjectStore("mirrors", { keyPath: "processId" });
      d.createObjectStore("forks", { keyPath: "id" }).createIndex("process", "processId");
    },
  });
  for (const [pid, count] of [["A".repeat(43), 130], ["B".repeat(43), 3]] as const) {
    for (let n = 0; n < count; n++) await old.put("slots", { ...slotOf(n), processId: pid });
  }
  old.close();
  const db = await openDashboardDb(name);
  try {
    expect([...db.objectStoreNames].sort()).toEqual(["chunks", "forks", "mirrors"]);
    const a = new IdbStore(db, "A".repeat(43));
    const b = new IdbStore(db, "B".repeat(43));
    expect((await a.range({ from: 0, to: 200, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual(Array.from({ length: 130 }, (_, n) => n));
    expect((await b.range({ from: 0, to: 200, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual([0, 1, 2]);
    expect(Array.from((await a.get(120))!.message!)).toEqual(Array.from(slotOf(120).message!));
    expect(await a.slotOfMessage(slotOf(101).messageId)).toBe(101);
    expect((await db.getAll("chunks")).map((c) => [c.processId[0], c.first, c.slots.length])).toEqual([["A", 0, 100], ["A", 100, 30], ["B", 0, 3]]);
  } finally {
    db.close();
    await deleteDB(name);
  }
});

test("a slot whose bytes are views into a larger buffer (a whole page) is stored as its own bytes only", () =>
  withDb(async (db) => {
    const page = new Uint8Array(100_000).fill(9);
    const store = new IdbStore(db, "p".repeat(43));
    await store.append({ ...slotOf(0), assignment: page.subarray(10, 110), message: page.subarray(200, 250) });
    const back = (await store.get(0))!;
    expect([back.assignment.buffer.byteLength, back.message!.buffer.byteLength]).toEqual([100, 50]);
  }));
