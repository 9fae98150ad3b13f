/** Group commit of one process's writes (worker/routing/coalesce.ts), in the runtime it serves. */
import { describe, expect, test } from "vitest";
import { Coalescer, MAX_BATCH } from "../../worker/routing/coalesce.ts";

/** A `send` that records each call's inputs and answers only when released. */
function gatedSend() {
  const calls: number[][] = [];
  const gates: (() => void)[] = [];
  const send = async (inputs: number[]) => {
    calls.push(inputs);
    await new Promise<void>((open) => gates.push(open));
    if (inputs.includes(-1)) throw new Error("object failed");
    return inputs.map((n) => n * 10);
  };
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
  };
  return { calls, send, release };
}

const keepAlive = (p: Promise<unknown>) => void p;
const unweighed = { weigh: () => 1, maxWeight: Number.POSITIVE_INFINITY };
const settleAll = (ps: Promise<unknown>[]) => Promise.allSettled(ps);

describe("coalescing writes", () => {
  test("a lone write is sent at once, alone, and nothing is held after it", async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    const p = c.run("pid", 7, g.send, keepAlive);
    expect(g.calls).toEqual([[7]]);
    await g.release();
    expect(await p).toBe(70);
    expect(c.size).toBe(0);
  });

  test("writes arriving while two calls are in flight go in one next call, in order, each answered its own output", async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    const all = [1, 2, 3, 4, 5, 6].map((n) => c.run("pid", n, g.send, keepAlive));
    expect(g.calls).toEqual([[1], [2]]);
    await g.release();
    await g.release();
    await g.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(g.calls).toEqual([[1], [2], [3, 4, 5, 6]]);
    expect(c.size).toBe(0);
  });

  test(`a batch holds at most ${MAX_BATCH} writes; the rest go in the call after`, async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    const all = Array.from({ length: MAX_BATCH + 5 }, (_, n) => c.run("pid", n, g.send, keepAlive));
    for (let i = 0; i < 4; i++) await g.release();
    expect((await Promise.all(all)).length).toBe(MAX_BATCH + 5);
    expect(g.calls.map((c) => c.length)).toEqual([1, 1, MAX_BATCH, 3]);
  });

  test("another process's writes are not held behind this one's", async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    void settleAll([c.run("a", 1, g.send, keepAlive), c.run("a", 2, g.send, keepAlive), c.run("a", 3, g.send, keepAlive)]);
    const other = c.run("b", 9, g.send, keepAlive);
    expect(g.calls).toEqual([[1], [2], [9]]);
    for (let i = 0; i < 4; i++) await g.release();
    expect(await other).toBe(90);
  });

  test("a failed call fails every write in it, and later writes are still sent", async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    const first = [1, 2].map((n) => c.run("pid", n, g.send, keepAlive));
    const failing = [-1, 3].map((n) => c.run("pid", n, g.send, keepAlive));
    for (let i = 0; i < 3; i++) await g.release();
    const outcomes = await settleAll([...first, ...failing]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
    const later = c.run("pid", 4, g.send, keepAlive);
    await g.release();
    expect(await later).toBe(40);
    expect(c.size).toBe(0);
  });

  test("the leader's call is handed to keepAlive, and keepAlive's promise ends once its batch is answered", async () => {
    const c = new Coalescer<number, number>(unweighed);
    const g = gatedSend();
    const kept: Promise<unknown>[] = [];
    const all = [1, 2, 3, 4].map((n) => c.run("pid", n, g.send, (p) => kept.push(p)));
    expect(kept).toHaveLength(3); // two calls in flight and the leader of the batch waiting; 4 joined it
    for (let i = 0; i < 3; i++) await g.release();
    await Promise.all(kept);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });

  test("a batch stops taking writes at its weight limit; a write over the limit goes alone", async () => {
    const c = new Coalescer<number, number>({ weigh: (n) => n, maxWeight: 100 });
    const g = gatedSend();
    const all = [1, 2, 60, 30, 20, 500, 5].map((n) => c.run("pid", n, g.send, keepAlive));
    for (let i = 0; i < 6; i++) await g.release();
    expect(await Promise.all(all)).toEqual([10, 20, 600, 300, 200, 5000, 50]);
    expect(g.calls).toEqual([[1], [2], [60, 30], [20], [500], [5]]);
  });
});
