/**
 * A mirror job following its scheduler live (web/src/mirror-job.ts follow, docs/live.md) over
 * fake-indexeddb, through a socket the test feeds with real frames: each pushed slot is kept once
 * it verifies, the record follows; a pushed slot that fails its checks fails the record and is not
 * kept; a scheduler whose socket never opens is reported as one that cannot push.
 */
import { expect, test } from "vitest";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { encodeTags } from "../../src/ans104/tags.ts";
import { frameOf, type LiveSocket } from "../../src/remote/live.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { MirrorJob, newMirrorRecord, type JobEvent } from "../../web/src/mirror-job.ts";
import { schedulerSigner } from "../support/keys.ts";
import { signedSchedule } from "../support/signed-schedule.ts";
import { withDb } from "./fresh-db.ts";

const sched = await schedulerSigner();

/** A socket the test drives: it opens (or fails) on its own, then delivers the frames it is fed. */
class FedSocket {
  binaryType = "blob";
  readonly sent: string[] = [];
  closed: [number | undefined, string | undefined] | undefined;
  readonly #listeners = new Map<string, ((e: any) => void)[]>();

  constructor(
    readonly url: string,
    opens: boolean,
  ) {
    setTimeout(() => (opens ? this.#emit("open", {}) : (this.#emit("error", {}), this.#emit("close", { code: 1006, reason: "" }))), 0);
  }

  addEventListener(type: string, l: (e: any) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), l]);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closed = [code, reason];
    setTimeout(() => this.#emit("close", { code: code ?? 1005, reason: reason ?? "" }), 0);
  }

  /** Whether the follower listens for frames yet (it does once the socket opened). */
  get listening(): boolean {
    return (this.#listeners.get("message") ?? []).length > 0;
  }

  feed(s: StoredSlot): void {
    const frame = frameOf(s, "ans104") as Uint8Array;
    this.#emit("message", { data: frame.slice().buffer });
  }

  #emit(type: string, e: unknown): void {
    for (const l of this.#listeners.get(type) ?? []) l(e);
  }
}

async function setup(opens = true) {
  const src = await signedSchedule(5);
  const sockets: FedSocket[] = [];
  const socket = (url: string) => {
    const s = new FedSocket(url, opens);
    sockets.push(s);
    return s as unknown as LiveSocket;
  };
  const record = newMirrorRecord({ processId: src.pid, url: "http://b.test", variant: "ao.N.1", scheduler: sched.address });
  return { src, sockets, socket, record };
}

const until = async (probe: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 400 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 5));
};

test("following, each pushed slot is kept once verified and the record follows; stopping closes the socket", () =>
  withDb(async (db) => {
    const { src, sockets, socket, record } = await setup();
    const job = new MirrorJob(db, record, { socket });
    const events: JobEvent[] = [];
    job.subscribe((e) => events.push(e));
    const stop = new AbortController();
    const following = job.follow(stop.signal);
    await until(() => sockets[0]?.listening === true);
    expect(sockets[0].url).toBe(`ws://b.test/${src.pid}/subscribe?from=0&accept=application/ans104`);
    expect(sockets[0].binaryType).toBe("arraybuffer");
    for (let slot = 0; slot <= 5; slot++) sockets[0].feed((await src.store.get(slot))!);
    await until(async () => (await job.store.last())?.slot === 5);
    stop.abort();
    expect(await following).toBe(true);
    expect(sockets[0].closed).toEqual([1000, "stopped following"]);
    const kept = await job.store.range({ from: 0, to: 5, limit: 10, maxBytes: 1e9 });
    expect(kept.map((s) => [s.slot, s.status])).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, "verified"]));
    expect(job.record).toMatchObject({ kept: 5, total: 5, counts: { verified: 6 } });
    expect(events.filter((e) => e.type === "progress").map((e) => e.type === "progress" && e.progress.kept)).toEqual([0, 1, 2, 3, 4, 5]);
  }));

test("a pushed slot that fails its checks fails the record at that slot and is not kept", () =>
  withDb(async (db) => {
    const { src, sockets, socket, record } = await setup();
    const job = new MirrorJob(db, record, { socket });
    const following = job.follow(new AbortController().signal);
    await until(() => sockets[0]?.listening === true);
    for (let slot = 0; slot <= 2; slot++) sockets[0].feed((await src.store.get(slot))!);
    const three = (await src.store.get(3))!;
    sockets[0].feed({ ...three, assignment: retimed(three.assignment) });
    await expect(following).rejects.toMatchObject({ code: "verification-failed", details: { slot: 3 } });
    expect(job.record).toMatchObject({ state: "failed", kept: 2, error: { code: "verification-failed", slot: 3 } });
    expect((await job.store.last())?.slot).toBe(2);
    expect(sockets[0].closed?.[0]).toBe(1000);
  }));

test("a scheduler whose socket never opens is one that cannot push: follow answers false and keeps nothing", () =>
  withDb(async (db) => {
    const { socket, record } = await setup(false);
    const job = new MirrorJob(db, record, { socket });
    expect(await job.follow(new AbortController().signal)).toBe(false);
    expect(await job.store.last()).toBeUndefined();
  }));

/** The assignment with its Timestamp one higher and its signature kept (which then fails). */
function retimed(raw: Uint8Array): Uint8Array {
  const a = parseItem(raw, NO_LIMITS);
  const tags = a.tags.map((t) => (t.name === "Timestamp" ? { name: t.name, value: String(Number(t.value) + 1) } : t));
  return serializeItem({ signatureType: a.signatureType, signature: a.signature, owner: a.owner, anchor: a.anchor, tagCount: tags.length, tagBytes: encodeTags(tags), data: a.data });
}
