/** The Scheduler over a MemoryStore: D2-D7 (docs/architecture.md). */
import { describe, expect, test, vi } from "vitest";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { verifyItem } from "../../../src/ans104/verify.ts";
import { utf8Strict } from "../../../src/crypto/bytes.ts";
import { readAssignment } from "../../../src/schedule/assignment.ts";
import { ScheduleError } from "../../../src/schedule/errors.ts";
import { chainNext, chainSeed } from "../../../src/schedule/hash-chain.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { Scheduler } from "../../../src/schedule/scheduler.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { signItem } from "../../../src/ans104/sign.ts";
import { processTags, signMessage, signProcess } from "../../support/items.ts";
import { clientSigner, schedulerSigner, seed } from "../../support/keys.ts";
import { ed25519Signer } from "../../../src/crypto/signers.ts";

const sched = await schedulerSigner();
const client = await clientSigner();

async function spawned(opts: { now?: () => number; store?: MemoryStore } = {}) {
  const process = await signProcess(client, sched.address);
  const store = opts.store ?? new MemoryStore();
  const s = await Scheduler.open({ processId: process.id, store, signer: sched, now: opts.now });
  const first = await s.schedule(process, { height: 1_500_000 });
  return { s, store, process, first };
}

async function errorOf(p: Promise<unknown>): Promise<ScheduleError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ScheduleError);
  return err as ScheduleError;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleError);
    return (err as ScheduleError).code;
  }
  return "resolved";
}

describe("assignments (D2)", () => {
  test("slot 0 is the process: seed chain, no Message tag, tags in order, signed by the scheduler", async () => {
    const { first, process } = await spawned();
    const a = first.assignment;
    expect(first.slot).toBe(0);
    expect(a.tags.map((t) => t.name)).toEqual(["Process", "Epoch", "Nonce", "Hash-Chain", "Block-Height", "Timestamp", "Data-Protocol", "Type", "Variant"]);
    const info = readAssignment(a);
    expect(info).toMatchObject({ processId: process.id, slot: 0, hashChain: chainSeed(process.id), height: 1_500_000, variant: "ao.TN.1", messageId: undefined });
    expect(a.tags.find((t) => t.name === "Block-Height")!.value).toBe("000001500000");
    expect(a.tags.find((t) => t.name === "Epoch")!.value).toBe("0");
    expect(a.data.length).toBe(0);
    expect(a.target).toBeUndefined();
    expect(a.signatureType).toBe(2);
    expect(await verifyItem(a)).toBe("valid");
    const anchor = utf8Strict(a.anchor!);
    expect(anchor).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  test("messages take the next slots, each chained on the previous assignment (D3)", async () => {
    const { s, process, first } = await spawned();
    let prev = first.assignment;
    for (let n = 1; n <= 5; n++) {
      const m = await signMessage(client, process.id, `msg ${n}`);
      const r = await s.schedule(m);
      const info = readAssignment(r.assignment);
      expect(r.slot).toBe(n);
      expect(info.messageId).toBe(m.id);
      expect(info.hashChain).toBe(chainNext(prev.id, readAssignment(prev).hashChain));
      expect(r.assignment.tags.at(-1)).toEqual({ name: "Message", value: m.id });
      prev = r.assignment;
    }
    expect(s.current).toBe(5);
  });

  test("Variant defaults to ao.N.1 when the process has none", async () => {
    const p = await signItem(client, { tags: processTags(sched.address).filter((t) => t.name !== "Variant") });
    const s = await Scheduler.open({ processId: p.id, store: new MemoryStore(), signer: sched });
    expect(readAssignment((await s.schedule(p)).assignment).variant).toBe("ao.N.1");
  });
});

describe("one signer per schedule", () => {
  test("opened with another key (a node whose key changed), it adds no slot, naming both addresses, while a re-post still answers its slot and reads work", async () => {
    const { store, process } = await spawned();
    const posted = await signMessage(client, process.id, "before the key changed");
    await (await Scheduler.open({ processId: process.id, store, signer: sched })).schedule(posted);
    const other = await ed25519Signer(seed(0x44));
    const s = await Scheduler.open({ processId: process.id, store, signer: other });
    const err = await errorOf(s.schedule(await signMessage(client, process.id, "after")));
    expect(err.code).toBe("unavailable");
    expect(err.message).toBe(`process ${process.id} is scheduled by ${sched.address}, and this node now signs as ${other.address} (its key changed?): no slot is added until it signs with ${sched.address}'s key again`);
    expect(await codeOf(s.assign(posted.id))).toBe("unavailable");
    expect((await s.schedule(posted)).slot).toBe(1); // a re-post answers the slot it has
    expect(s.current).toBe(1);
    expect((await s.read({ from: 0, limit: 10, maxBytes: 1e9 })).slots).toHaveLength(2);
  });
});

describe("time (D5)", () => {
  test("Timestamp strictly increases with a frozen or backwards clock; height never decreases", async () => {
    let clock = 5_000;
    const { s, process } = await spawned({ now: () => clock });
    const stamps: number[] = [];
    const heights: number[] = [];
    for (const [n, h] of [[1, 100], [2, 2_000_000], [3, 50], [4, 0]] as const) {
      if (n === 3) clock = 1_000; // clock jumps back
      const r = await s.schedule(await signMessage(client, process.id, `m${n}`), { height: h });
      stamps.push(readAssignment(r.assignment).timestamp);
      heights.push(readAssignment(r.assignment).height);
    }
    expect(stamps).toEqual([5_001, 5_002, 5_003, 5_004]);
    expect(heights).toEqual([1_500_000, 2_000_000, 2_000_000, 2_000_000]);
  });
});

describe("spawn and messages (D4)", () => {
  test("a message before its process is unknown-process; to another process is refused", async () => {
    const { s, process } = await spawned();
    const other = await signProcess(client, sched.address, [{ name: "Name", value: "other" }]);
    const s2 = await Scheduler.open({ processId: other.id, store: new MemoryStore(), signer: sched });
    expect(await codeOf(s2.schedule(await signMessage(client, other.id)))).toBe("unknown-process");
    expect(await codeOf(s.schedule(await signMessage(client, other.id)))).toBe("invalid-message");
    expect(await codeOf(s2.schedule(process))).toBe("invalid-message");
    expect(s.current).toBe(0);
  });

  test("a process naming another scheduler is refused, naming that scheduler", async () => {
    const foreign = await signProcess(client, "fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY");
    const s = await Scheduler.open({ processId: foreign.id, store: new MemoryStore(), signer: sched });
    const err = await errorOf(s.schedule(foreign));
    expect(err.code).toBe("wrong-scheduler");
    expect(err.message).toContain("fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY");
    expect(err.details?.scheduler).toBe("fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY");
    expect(s.current).toBe(-1);
  });

  test("a process missing Module and Scheduler is refused, naming both", async () => {
    const p = await signItem(client, { tags: [{ name: "Type", value: "Process" }, { name: "Data-Protocol", value: "ao" }] });
    const s = await Scheduler.open({ processId: p.id, store: new MemoryStore(), signer: sched });
    const err = await errorOf(s.schedule(p));
    expect(err.code).toBe("invalid-process");
    expect(err.message).toMatch(/Module, Scheduler/);
  });

  test("a comma-separated Scheduler list including this node is ours", async () => {
    const p = await signProcess(client, `fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY, ${sched.address}`);
    const s = await Scheduler.open({ processId: p.id, store: new MemoryStore(), signer: sched });
    expect((await s.schedule(p)).slot).toBe(0);
  });
});

describe("idempotency (D7)", () => {
  test("re-posting a message or the process returns the existing assignment and takes no slot", async () => {
    const { s, process, first } = await spawned();
    const m = await signMessage(client, process.id);
    const a = await s.schedule(m);
    const again = await s.schedule(m);
    expect(again.created).toBe(false);
    expect(again.slot).toBe(1);
    expect(again.assignment.id).toBe(a.assignment.id);
    const respawn = await s.schedule(process);
    expect(respawn).toMatchObject({ slot: 0, created: false });
    expect(respawn.assignment.id).toBe(first.assignment.id);
    expect(s.current).toBe(1);
  });
});

describe("consistency (D6)", () => {
  test("64 concurrent schedules get 64 distinct contiguous slots on a valid chain", async () => {
    const { s, process, store } = await spawned();
    const messages = await Promise.all(Array.from({ length: 64 }, (_, i) => signMessage(client, process.id, `c${i}`)));
    const results = await Promise.all(messages.map((m) => s.schedule(m)));
    expect(results.map((r) => r.slot).sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    const slots = await store.range({ from: 0, to: 64, limit: 100, maxBytes: 1e9 });
    expect(slots).toHaveLength(65);
    for (let n = 1; n < slots.length; n++) {
      const prev = readAssignment(parseItem(slots[n - 1].assignment, NO_LIMITS));
      expect(readAssignment(parseItem(slots[n].assignment, NO_LIMITS)).hashChain).toBe(chainNext(slots[n - 1].assignmentId, prev.hashChain));
    }
  });

  test("a failed write consumes no slot, and the next message gets it", async () => {
    const store = new MemoryStore();
    const { s, process } = await spawned({ store });
    const append = store.append.bind(store);
    let fail = true;
    store.append = async (slot: StoredSlot) => {
      if (fail) {
        fail = false;
        throw new Error("disk full");
      }
      return append(slot);
    };
    await expect(s.schedule(await signMessage(client, process.id, "lost"))).rejects.toThrow("disk full");
    expect(s.current).toBe(0);
    const r = await s.schedule(await signMessage(client, process.id, "kept"));
    expect(r.slot).toBe(1);
  });

  test("assignAll gives items the next slots in order, chained and timestamped as assign would, in one write; an empty list writes nothing", async () => {
    const store = new MemoryStore();
    const { s, process, first } = await spawned({ store, now: () => 1_000 });
    const messages = await Promise.all([1, 2, 3].map((n) => signMessage(client, process.id, `batch ${n}`)));
    const writes: number[] = [];
    const appendAll = store.appendAll.bind(store);
    store.appendAll = async (slots) => (writes.push(slots.length), appendAll(slots));
    const done = await s.assignAll(messages.map((m) => ({ messageId: m.id, message: m.raw })));
    expect(writes).toEqual([3]);
    expect(done.map((d) => [d.slot, d.created])).toEqual([[1, true], [2, true], [3, true]]);
    let prev = first.assignment;
    for (const [i, d] of done.entries()) {
      const info = readAssignment(d.assignment);
      expect(info.messageId).toBe(messages[i].id);
      expect(info.hashChain).toBe(chainNext(prev.id, readAssignment(prev).hashChain));
      expect(info.timestamp).toBe(readAssignment(prev).timestamp + 1); // a frozen clock: still strictly increasing
      expect(await verifyItem(d.assignment)).toBe("valid");
      expect((await store.get(d.slot))?.message).toEqual(messages[i].raw);
      prev = d.assignment;
    }
    expect(await s.assignAll([])).toEqual([]);
    expect(writes).toEqual([3]);
    expect(s.current).toBe(3);
    const next = await s.schedule(await signMessage(client, process.id, "after"));
    expect(readAssignment(next.assignment).hashChain).toBe(chainNext(prev.id, readAssignment(prev).hashChain));
  });

  test("assignAll whose write fails takes no slot, and the next items get them", async () => {
    const store = new MemoryStore();
    const { s, process } = await spawned({ store });
    const appendAll = store.appendAll.bind(store);
    let fail = true;
    store.appendAll = async (slots) => {
      if (fail) {
        fail = false;
        throw new Error("disk full");
      }
      return appendAll(slots);
    };
    const items = async (label: string) => (await Promise.all([1, 2].map((n) => signMessage(client, process.id, `${label} ${n}`)))).map((m) => ({ messageId: m.id, message: m.raw }));
    await expect(s.assignAll(await items("lost"))).rejects.toThrow("disk full");
    expect(s.current).toBe(0);
    expect(await store.last()).toMatchObject({ slot: 0 });
    expect((await s.assignAll(await items("kept"))).map((d) => d.slot)).toEqual([1, 2]);
  });

  test("assignAll before the process is unknown-process; under another key it adds no slot", async () => {
    const process = await signProcess(client, sched.address);
    const store = new MemoryStore();
    const empty = await Scheduler.open({ processId: process.id, store, signer: sched });
    const m = await signMessage(client, process.id, "early");
    expect(await codeOf(empty.assignAll([{ messageId: m.id, message: m.raw }]))).toBe("unknown-process");
    await empty.schedule(process);
    const other = await Scheduler.open({ processId: process.id, store, signer: await ed25519Signer(seed(0x44)) });
    expect(await codeOf(other.assignAll([{ messageId: m.id, message: m.raw }]))).toBe("unavailable");
    expect(other.current).toBe(0);
  });

  test("reopening the same store continues slot and chain (restart)", async () => {
    const { s, process, store } = await spawned();
    const last = await s.schedule(await signMessage(client, process.id, "before"));
    const reopened = await Scheduler.open({ processId: process.id, store, signer: sched });
    expect(reopened.current).toBe(1);
    const next = await reopened.schedule(await signMessage(client, process.id, "after"));
    expect(next.slot).toBe(2);
    expect(readAssignment(next.assignment).hashChain).toBe(chainNext(last.assignment.id, readAssignment(last.assignment).hashChain));
    expect(readAssignment(next.assignment).variant).toBe("ao.TN.1");
  });
});

describe("reads", () => {
  test("read() pages with an exact continues; waitFor resolves on append or times out", async () => {
    const { s, process } = await spawned();
    for (let i = 0; i < 9; i++) await s.schedule(await signMessage(client, process.id, `r${i}`));
    expect(await s.read({ from: 0, limit: 4, maxBytes: 1e9 }).then((r) => [r.slots.map((x) => x.slot), r.continues])).toEqual([[0, 1, 2, 3], true]);
    expect(await s.read({ from: 6, limit: 4, maxBytes: 1e9 }).then((r) => [r.slots.map((x) => x.slot), r.continues])).toEqual([[6, 7, 8, 9], false]);
    expect(await s.read({ from: 2, to: 3, limit: 4, maxBytes: 1e9 }).then((r) => [r.slots.length, r.continues])).toEqual([2, false]);
    expect(await s.read({ from: 10, limit: 4, maxBytes: 1e9 }).then((r) => [r.slots.length, r.continues])).toEqual([0, false]);
    expect(await s.waitFor(10, 20)).toBe(false);
    const waiting = s.waitFor(10, 5_000);
    await s.schedule(await signMessage(client, process.id, "wake"));
    expect(await waiting).toBe(true);
  });

  test("waitFor leaves no timer behind, whether the slot comes or the wait times out", async () => {
    const { s, process } = await spawned();
    const message = await signMessage(client, process.id, "wake");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const waiting = s.waitFor(1, 30_000);
      expect(vi.getTimerCount()).toBe(1);
      await s.schedule(message);
      expect(await waiting).toBe(true);
      expect(vi.getTimerCount(), "the 30 s timer of a wait that ended early").toBe(0);
      const late = s.waitFor(2, 100);
      vi.advanceTimersByTime(100);
      expect(await late).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
