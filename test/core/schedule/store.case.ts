/**
 * The Store conformance suite: every Store (memory, SQLite in the Durable Object, IndexedDB) runs
 * it. `withStore` hands each test a fresh, empty store.
 */
import { describe, expect, test } from "vitest";
import type { Store, StoredSlot } from "../../../src/schedule/store.ts";

export interface StoreSuiteOptions {
  name: string;
  withStore: (body: (store: Store) => Promise<void>) => Promise<void>;
}

const id = (n: number, tag: string) => (tag + String(n).padStart(10, "0")).padEnd(42, "x") + "A";

export function slotOf(n: number, opts: { message?: Uint8Array | null; messageId?: string; timestamp?: number } = {}): StoredSlot {
  return {
    slot: n,
    assignmentId: id(n, "asg"),
    messageId: opts.messageId ?? id(n, "msg"),
    timestamp: opts.timestamp ?? 1_000 + n * 10,
    assignment: new Uint8Array(100).fill(n % 256),
    message: opts.message === null ? undefined : (opts.message ?? new Uint8Array(50 + n).fill(7)),
  };
}

export function runStoreSuite({ name, withStore }: StoreSuiteOptions): void {
  describe(`Store conformance: ${name}`, () => {
    test("empty store", () =>
      withStore(async (store) => {
        expect(await store.last()).toBeUndefined();
        expect(await store.get(0)).toBeUndefined();
        expect(await store.range({ from: 0, to: 10, limit: 10, maxBytes: 1e9 })).toEqual([]);
        expect(await store.slotOfMessage(id(0, "msg"))).toBeUndefined();
        expect(await store.firstSlotAfter(0)).toBeUndefined();
      }));

    test("appendAll writes consecutive slots in one step; a batch that starts at a slot already kept is refused and writes nothing", () =>
      withStore(async (store) => {
        await store.appendAll([0, 1, 2].map((n) => slotOf(n)));
        await store.appendAll([]);
        expect((await store.last())?.slot).toBe(2);
        expect(await store.slotOfAssignment(slotOf(1).assignmentId)).toBe(1);
        await expect(store.appendAll([2, 3, 4].map((n) => slotOf(n)))).rejects.toThrow();
        expect((await store.last())?.slot).toBe(2);
        expect(await store.get(3)).toBeUndefined();
        await store.appendAll([3, 4].map((n) => slotOf(n)));
        expect((await store.range({ from: 0, to: 9, limit: 10, maxBytes: 1e9 })).map((x) => x.slot)).toEqual([0, 1, 2, 3, 4]);
      }));

    test("append, then read back by slot, message id and assignment id", () =>
      withStore(async (store) => {
        for (let n = 0; n < 5; n++) await store.append(slotOf(n, { message: n === 3 ? null : undefined }));
        expect((await store.last())?.slot).toBe(4);
        const three = await store.get(3);
        expect(three?.message).toBeUndefined();
        expect(three?.assignmentId).toBe(id(3, "asg"));
        expect(Array.from((await store.get(2))!.message!)).toEqual(Array.from(slotOf(2).message!));
        expect(await store.slotOfMessage(id(4, "msg"))).toBe(4);
        expect(await store.slotOfAssignment(id(1, "asg"))).toBe(1);
        expect(await store.slotOfAssignment(id(9, "asg"))).toBeUndefined();
      }));

    test("a message id assigned twice resolves to its first slot", () =>
      withStore(async (store) => {
        await store.append(slotOf(0));
        await store.append(slotOf(1, { messageId: id(7, "msg") }));
        await store.append(slotOf(2, { messageId: id(7, "msg") }));
        expect(await store.slotOfMessage(id(7, "msg"))).toBe(1);
      }));

    test("ranges are inclusive, ordered, limited by count and by bytes", () =>
      withStore(async (store) => {
        for (let n = 0; n < 20; n++) await store.append(slotOf(n));
        const slots = (q: Parameters<Store["range"]>[0]) => store.range(q).then((r) => r.map((s) => s.slot));
        expect(await slots({ from: 3, to: 7, limit: 100, maxBytes: 1e9 })).toEqual([3, 4, 5, 6, 7]);
        expect(await slots({ from: 3, to: 70, limit: 4, maxBytes: 1e9 })).toEqual([3, 4, 5, 6]);
        expect(await slots({ from: 18, to: 70, limit: 100, maxBytes: 1e9 })).toEqual([18, 19]);
        // each slot is 100 + 50 + n bytes: two fit in 320, the third does not
        expect(await slots({ from: 0, to: 19, limit: 100, maxBytes: 320 })).toEqual([0, 1]);
        expect(await slots({ from: 5, to: 19, limit: 100, maxBytes: 1 })).toEqual([5]); // one slot always fits
      }));

    test("timestamp lookups (timestamps strictly increase with slots)", () =>
      withStore(async (store) => {
        for (let n = 0; n < 10; n++) await store.append(slotOf(n)); // timestamps 1000, 1010, …, 1090
        expect(await store.firstSlotAfter(999)).toBe(0);
        expect(await store.firstSlotAfter(1000)).toBe(1);
        expect(await store.firstSlotAfter(1005)).toBe(1);
        expect(await store.firstSlotAfter(1090)).toBeUndefined();
        expect(await store.lastSlotAtOrBefore(999)).toBeUndefined();
        expect(await store.lastSlotAtOrBefore(1010)).toBe(1);
        expect(await store.lastSlotAtOrBefore(5000)).toBe(9);
      }));

    test("timestamp lookups when slots share a timestamp (another scheduler's): first after, last at or before", () =>
      withStore(async (store) => {
        for (let n = 0; n < 6; n++) await store.append(slotOf(n, { timestamp: 1000 + Math.floor(n / 2) * 10 })); // 1000, 1000, 1010, 1010, 1020, 1020
        expect(await store.firstSlotAfter(1000)).toBe(2);
        expect(await store.lastSlotAtOrBefore(1010)).toBe(3);
      }));

    test("a slot's status (verified, chain-checked) is kept; our own slots have none", () =>
      withStore(async (store) => {
        await store.append(slotOf(0));
        await store.append({ ...slotOf(1), status: "verified" });
        await store.append({ ...slotOf(2), status: "chain-checked" });
        expect((await store.get(0))!.status).toBeUndefined();
        expect((await store.get(1))!.status).toBe("verified");
        expect((await store.range({ from: 2, to: 2, limit: 1, maxBytes: 1e9 }))[0].status).toBe("chain-checked");
      }));

    test("a 5 MiB message round-trips intact, by slot and in a range", () =>
      withStore(async (store) => {
        const big = new Uint8Array(5 * 1024 * 1024 + 7);
        for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
        big[big.length - 1] = 42;
        await store.append(slotOf(0, { message: big }));
        const back = (await store.get(0))!.message!;
        expect(back.length).toBe(big.length);
        expect(back[big.length - 1]).toBe(42);
        expect(back[4096 * 300]).toBe(300 % 251);
        expect((await store.range({ from: 0, to: 0, limit: 1, maxBytes: 1 }))[0].message!.length).toBe(big.length);
      }));
  });
}
