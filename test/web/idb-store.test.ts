/**
 * The IndexedDB Store (web/src/idb-store.ts) over fake-indexeddb: the shared conformance suite,
 * one fresh database per test, plus what only a shared database can get wrong, how slots fall
 * into chunks and digests, lookups whose hash two ids share, and the moves of older databases:
 * version 2 (a slot a record) into chunks, version 3 (an index of ids) into digests.
 */
import { deleteDB, openDB, type StoreKey, type StoreValue } from "idb";
import { expect, expectTypeOf, test } from "vitest";
import { CHUNK_BYTES, CHUNK_SLOTS, chunkOf, digestOf, idHash, openDashboardDb, type ChunkRecord, type DashboardSchema } from "../../web/src/db.ts";
import { deleteSchedule, IdbStore } from "../../web/src/idb-store.ts";
import { runStoreSuite, slotOf } from "../core/schedule/store.case.ts";
import { VERSION_3_STORES } from "../support/dashboard-v3.ts";
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

test(`slots fall into chunks of at most ${CHUNK_SLOTS} slots from slot 0: a batch fills the last chunk before starting the next, and every slot reads back by slot, id and time`, () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    await store.appendAll(Array.from({ length: 300 }, (_, n) => slotOf(n)));
    await store.appendAll(Array.from({ length: 250 }, (_, n) => slotOf(300 + n)));
    const chunks = await db.getAll("chunks");
    expect(chunks.map((c) => [c.first, c.slots.length, c.slots[0].slot, c.slots.at(-1)!.slot])).toEqual([[0, 250, 0, 249], [250, 250, 250, 499], [500, 50, 500, 549]]);
    expect(chunks.map((c) => [c.firstTimestamp, c.lastTimestamp])).toEqual([[1_000, 3_490], [3_500, 5_990], [6_000, 6_490]]);
    const digests = await db.getAll("digests");
    expect(digests.map((d) => [d.first, d.ids.length])).toEqual([[0, 500], [250, 500], [500, 100]]);
    expect(Array.from(digests[2].ids.subarray(0, 2))).toEqual([idHash(slotOf(500).messageId), idHash(slotOf(500).assignmentId)]);
    const fresh = new IdbStore(db, "P".repeat(43));
    for (const n of [0, 249, 250, 499, 500, 549]) {
      expect((await fresh.get(n))?.assignmentId).toBe(slotOf(n).assignmentId);
      expect(await fresh.slotOfMessage(slotOf(n).messageId)).toBe(n);
      expect(await fresh.slotOfAssignment(slotOf(n).assignmentId)).toBe(n);
    }
    expect(await fresh.get(550)).toBeUndefined();
    expect(await fresh.firstSlotAfter(3_495)).toBe(250);
    expect(await fresh.lastSlotAtOrBefore(3_505)).toBe(250);
    expect((await fresh.range({ from: 245, to: 505, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual(Array.from({ length: 261 }, (_, i) => 245 + i));
  }));

test("slots appended one at a time grow a short last chunk, which joins the chunk before it once 16 long if that has room; a batch of 16 or more fills the last chunk as any batch does", () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    const layout = async () => (await db.getAll("chunks")).map((c) => [c.first, c.slots.length]);
    const digestLayout = async () => (await db.getAll("digests")).map((d) => [d.first, d.ids.length / 2]);
    for (let n = 0; n < 40; n++) await store.append(slotOf(n));
    expect(await layout()).toEqual([[0, 32], [32, 8]]); // 0-15 alone; 16-31 joined them at slot 31
    expect(await digestLayout()).toEqual(await layout());
    await store.appendAll(Array.from({ length: 16 }, (_, n) => slotOf(40 + n)));
    expect(await layout()).toEqual([[0, 32], [32, 24]]);
    await store.appendAll(Array.from({ length: 226 }, (_, n) => slotOf(56 + n)));
    expect(await layout()).toEqual([[0, 32], [32, 250]]);
    for (let n = 282; n < 302; n++) await store.append(slotOf(n));
    // [32, 282) is full: the short chunk stayed apart at 16, and the next began after it.
    expect(await layout()).toEqual([[0, 32], [32, 250], [282, 16], [298, 4]]);
    for (let n = 302; n < 314; n++) await store.append(slotOf(n));
    expect(await layout()).toEqual([[0, 32], [32, 250], [282, 32]]);
    expect(await digestLayout()).toEqual(await layout());
    const fresh = new IdbStore(db, "P".repeat(43));
    expect((await fresh.range({ from: 0, to: 313, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual(Array.from({ length: 314 }, (_, i) => i));
    for (const n of [15, 16, 31, 297, 298, 313]) {
      expect((await fresh.get(n))?.assignmentId).toBe(slotOf(n).assignmentId);
      expect(await fresh.slotOfMessage(slotOf(n).messageId)).toBe(n);
    }
  }));

test(`a chunk takes no slot that would bring its items over ${CHUNK_BYTES / 1024} KiB: large slots make short chunks, one larger than that a chunk of its own, and every slot still reads back by slot, range and id`, () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    const sized = (n: number, bytes: number) => slotOf(n, { message: new Uint8Array(bytes - 100).fill(n % 256) }); // 100 bytes of assignment
    await store.appendAll([sized(0, 100_000), sized(1, 100_000), sized(2, 100_000), sized(3, 300_000), sized(4, 150), sized(5, 150)]);
    await store.append(sized(6, 200_000));
    // Slot 6 (about 200 KB) still fits beside 4 and 5 (150 bytes each).
    expect((await db.getAll("chunks")).map((c) => [c.first, c.slots.length])).toEqual([[0, 2], [2, 1], [3, 1], [4, 3]]);
    const fresh = new IdbStore(db, "P".repeat(43));
    for (const [n, bytes] of [[1, 100_000], [3, 300_000], [5, 150], [6, 200_000]] as const) {
      const s = (await fresh.get(n))!;
      expect([s.slot, s.assignment.length + s.message!.length, s.message![0]]).toEqual([n, bytes, n % 256]);
    }
    expect((await fresh.range({ from: 1, to: 6, limit: 10, maxBytes: 1e9 })).map((s) => s.slot)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await fresh.slotOfMessage(slotOf(5).messageId)).toBe(5);
    expect(await fresh.get(7)).toBeUndefined();
  }));

test("chunks of 100 aligned as version 3 began them (written here as records of today's shape) are read as they are, and the last one fills up to the new bound", () =>
  withDb(async (db) => {
    const pid = "P".repeat(43);
    const slots = Array.from({ length: 130 }, (_, n) => slotOf(n));
    const tx = db.transaction(["chunks", "digests"], "readwrite");
    for (const group of [slots.slice(0, 100), slots.slice(100)]) {
      await tx.objectStore("chunks").put(chunkOf(pid, group));
      await tx.objectStore("digests").put(digestOf(pid, group));
    }
    await tx.done;
    const store = new IdbStore(db, pid);
    await store.appendAll(Array.from({ length: 300 }, (_, n) => slotOf(130 + n)));
    expect((await db.getAll("chunks")).map((c) => [c.first, c.slots.length])).toEqual([[0, 100], [100, 250], [350, 80]]);
    expect((await new IdbStore(db, pid).range({ from: 95, to: 360, limit: 1000, maxBytes: 1e9 })).map((s) => s.slot)).toEqual(Array.from({ length: 266 }, (_, i) => 95 + i));
    expect((await new IdbStore(db, pid).get(99))?.slot).toBe(99);
    expect((await new IdbStore(db, pid).get(100))?.slot).toBe(100);
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
    expect([...db.objectStoreNames].sort()).toEqual(["chunks", "digests", "forks", "mirrors"]);
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

test("a chunk's slots are stored with their bytes in one buffer of the chunk's own: views into a larger buffer (a whole page) are not stored whole, and every slot reads back its own bytes", () =>
  withDb(async (db) => {
    const page = new Uint8Array(100_000).fill(9);
    page.set([1, 2, 3], 10);
    const store = new IdbStore(db, "p".repeat(43));
    await store.append({ ...slotOf(0), assignment: page.subarray(10, 110), message: page.subarray(200, 250) });
    await store.append({ ...slotOf(1), assignment: page.subarray(300, 340), message: undefined });
    const [zero, one] = await new IdbStore(db, "p".repeat(43)).range({ from: 0, to: 1, limit: 2, maxBytes: 1e9 });
    expect([zero.assignment.buffer.byteLength, zero.assignment.length, zero.message!.length, one.assignment.length, one.message]).toEqual([190, 100, 50, 40, undefined]);
    expect(one.assignment.buffer).toBe(zero.assignment.buffer);
    expect(Array.from(zero.assignment.subarray(0, 4))).toEqual([1, 2, 3, 9]);
  }));

/** Two different ids of 43 characters with one idHash, found by a birthday search over `collide-<n>` padded with x. */
const COLLIDING = ["collide-40305".padEnd(43, "x"), "collide-1016062".padEnd(43, "x")] as const;

test("a lookup by an id whose hash another slot's id (in another chunk) shares finds its own slot, and an id kept nowhere is not found though its hash is", () =>
  withDb(async (db) => {
    const [first, second] = COLLIDING;
    expect(idHash(first)).toBe(idHash(second));
    const store = new IdbStore(db, "P".repeat(43));
    // 300 slots: the two ids sit in different chunks.
    await store.appendAll([slotOf(0), slotOf(1, { messageId: first }), ...Array.from({ length: 298 }, (_, n) => slotOf(2 + n)), slotOf(300, { messageId: second })]);
    expect(await store.slotOfMessage(first)).toBe(1);
    expect(await store.slotOfMessage(second)).toBe(300);
    await deleteSchedule(db, "P".repeat(43));
    await store.appendAll([slotOf(0), slotOf(1, { messageId: first })]);
    expect(await store.slotOfMessage(second)).toBeUndefined();
    expect(await store.slotOfAssignment(first)).toBeUndefined(); // a message id is not an assignment id
  }));

test("deleting a schedule removes its chunks and digests (and its mirror record when asked), and no other process's", () =>
  withDb(async (db) => {
    const [a, b] = ["A".repeat(43), "B".repeat(43)];
    for (const pid of [a, b]) {
      await new IdbStore(db, pid).appendAll(Array.from({ length: 120 }, (_, n) => slotOf(n)));
      await db.put("mirrors", { processId: pid, url: "http://127.0.0.1:1", variant: "ao.N.1", state: "done", kept: 119, total: 119, counts: { verified: 120, "chain-checked": 0, unverified: 0 }, startedAt: 0, updatedAt: 0 });
    }
    await deleteSchedule(db, a, { record: true });
    expect((await db.getAll("chunks")).map((c) => [c.processId[0], c.first, c.slots.length])).toEqual([["B", 0, 120]]);
    expect((await db.getAll("digests")).map((d) => [d.processId[0], d.first])).toEqual([["B", 0]]);
    expect((await db.getAll("mirrors")).map((m) => m.processId[0])).toEqual(["B"]);
    await deleteSchedule(db, b);
    expect([await db.count("chunks"), await db.count("digests")]).toEqual([0, 0]);
    expect(await db.count("mirrors")).toBe(1); // kept: not asked to delete it
    expect(await new IdbStore(db, b).slotOfMessage(slotOf(5).messageId)).toBeUndefined();
  }));

test("a version-3 database (ids in a multiEntry index) opens with a digest record per chunk, the index gone, no ids left in chunks, and every slot found by its ids", async () => {
  const name = "version-3";
  const old = await openDB(name, 3, {
    upgrade(d) {
      for (const [store, keyPath, indexes] of VERSION_3_STORES) {
        const made = d.createObjectStore(store, { keyPath });
        for (const [index, path, multiEntry] of indexes) made.createIndex(index, path, { multiEntry });
      }
    },
  });
  // As version 3 wrote them: ids in each chunk record.
  const v3Chunk = (pid: string, from: number, count: number) => {
    const slots = Array.from({ length: count }, (_, i) => slotOf(from + i));
    return { processId: pid, first: from, slots, ids: slots.flatMap((s) => [`${pid} m ${s.messageId}`, `${pid} a ${s.assignmentId}`]), firstTimestamp: slots[0].timestamp, lastTimestamp: slots.at(-1)!.timestamp };
  };
  for (const c of [v3Chunk("A".repeat(43), 0, 100), v3Chunk("A".repeat(43), 100, 30), v3Chunk("B".repeat(43), 0, 3)]) await old.put("chunks", c);
  old.close();
  const db = await openDashboardDb(name);
  try {
    expect([...db.objectStoreNames].sort()).toEqual(["chunks", "digests", "forks", "mirrors"]);
    expect([...db.transaction("chunks").store.indexNames].sort()).toEqual(["firstTimestamp", "lastTimestamp"]);
    expect((await db.getAll("chunks")).filter((c) => "ids" in c)).toEqual([]);
    expect((await db.getAll("digests")).map((d) => [d.processId[0], d.first, d.ids.length])).toEqual([["A", 0, 200], ["A", 100, 60], ["B", 0, 6]]);
    const a = new IdbStore(db, "A".repeat(43));
    for (const n of [0, 99, 100, 129]) {
      expect(await a.slotOfMessage(slotOf(n).messageId)).toBe(n);
      expect(await a.slotOfAssignment(slotOf(n).assignmentId)).toBe(n);
    }
    expect(await new IdbStore(db, "B".repeat(43)).slotOfMessage(slotOf(2).messageId)).toBe(2);
    expect(await new IdbStore(db, "B".repeat(43)).slotOfMessage(slotOf(3).messageId)).toBeUndefined();
    await a.append(slotOf(130));
    expect(await a.slotOfAssignment(slotOf(130).assignmentId)).toBe(130);
  } finally {
    db.close();
    await deleteDB(name);
  }
});

test("a message id kept at slots in two chunks resolves to the lower slot", () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    const twice = slotOf(3).messageId;
    await store.appendAll(Array.from({ length: 300 }, (_, n) => slotOf(n, n === 280 ? { messageId: twice } : {})));
    expect((await db.getAll("chunks")).map((c) => c.first)).toEqual([0, 250]);
    expect(await new IdbStore(db, "P".repeat(43)).slotOfMessage(twice)).toBe(3);
  }));

test("an append that cannot join the last chunk (full by bytes) writes only the new chunk, not the last one again", () =>
  withDb(async (db) => {
    const store = new IdbStore(db, "P".repeat(43));
    await store.append(slotOf(0, { message: new Uint8Array(300_000) }));
    const put = IDBObjectStore.prototype.put;
    const written: unknown[] = [];
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: { first?: number }, key?: IDBValidKey) {
      written.push([this.name, value.first]);
      return put.call(this, value, key);
    };
    try {
      await store.append(slotOf(1));
      await store.appendAll(Array.from({ length: 20 }, (_, n) => slotOf(2 + n)));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(written).toEqual([["chunks", 1], ["digests", 1], ["chunks", 1], ["digests", 1]]);
    expect((await db.getAll("chunks")).map((c) => [c.first, c.slots.length])).toEqual([[0, 1], [1, 21]]);
  }));
