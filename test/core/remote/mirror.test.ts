/**
 * The remote-schedule pipeline (src/remote/mirror.ts) over a MemoryStore, against schedules served
 * in each wire shape: page by page to the end, only new slots on a later sync, a tampered slot
 * refused with nothing of its page kept, and a fork reported with both ids.
 */
import { describe, expect, test } from "vitest";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { serializeItem } from "../../../src/ans104/serialize.ts";
import { encodeTags } from "../../../src/ans104/tags.ts";
import { SchedulerClient } from "../../../src/remote/client.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { Mirror } from "../../../src/remote/mirror.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { Scheduler } from "../../../src/schedule/scheduler.ts";
import type { Store, StoredSlot } from "../../../src/schedule/store.ts";
import { signMessage } from "../../support/items.ts";
import { clientSigner, schedulerSigner } from "../../support/keys.ts";
import { serveSchedule, SHAPES } from "../../support/remote-source.ts";
import { signedSchedule as source } from "../../support/signed-schedule.ts";

const sched = await schedulerSigner();
const client = await clientSigner();

describe.each(SHAPES)("mirroring %s", (_name, variant, json) => {
  test("fetches page by page to the end, every slot verified; a later sync fetches only new slots", async () => {
    const src = await source(24);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
    const store = new MemoryStore();
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", variant, { fetch: served.fetch }), store, processId: src.pid, scheduler: sched.address });
    const seen: number[] = [];
    const done = await mirror.syncTo(undefined, (p) => seen.push(p.kept));
    expect(done).toMatchObject({ kept: 24, appended: 25, continues: false });
    expect(seen).toEqual([9, 18, 24]); // pages of 10, each after the first overlapping one kept slot
    const kept = await store.range({ from: 0, to: 24, limit: 100, maxBytes: 1e9 });
    expect(kept.map((s) => s.assignmentId)).toEqual((await src.store.range({ from: 0, to: 24, limit: 100, maxBytes: 1e9 })).map((s) => s.assignmentId));
    expect(kept.every((s) => s.status === "verified")).toBe(true);

    await src.more(3, "late");
    served.requests.length = 0;
    expect(await mirror.syncTo()).toMatchObject({ kept: 27, appended: 3 });
    expect(served.requests).toHaveLength(1);
    expect(served.requests[0]).toMatch(variant === "ao.N.1" ? /from=24/ : /from-nonce=23/);
  });

  test("a tampered assignment stops the sync at its slot; nothing of that page is kept", async () => {
    const src = await source(15);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
    served.tamper = (s: StoredSlot) => (s.slot === 13 ? { ...s, assignment: retimed(s.assignment) } : s);
    const store = new MemoryStore();
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", variant, { fetch: served.fetch }), store, processId: src.pid, scheduler: sched.address });
    const err = await mirror.syncTo().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).details).toMatchObject({ slot: 13, check: "assignment signature" });
    expect((await store.last())?.slot).toBe(9); // the first page only
  });

  test("a remote that now serves another assignment at a kept slot is a fork, reported with both ids", async () => {
    const src = await source(5);
    const store = new MemoryStore();
    const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", variant, { fetch: served.fetch }), store, processId: src.pid, scheduler: sched.address });
    await mirror.syncTo();
    // The same slots 0-4, then a different message at slot 5, under the same key.
    const kept5 = (await store.get(5))!;
    const rewrite = new MemoryStore();
    for (let n = 0; n <= 4; n++) await rewrite.append((await src.store.get(n))!);
    await (await Scheduler.open({ processId: src.pid, store: rewrite, signer: sched })).schedule(await signMessage(client, src.pid, "replaced"));
    const forked = serveSchedule(src.pid, rewrite, { pageSize: 10, json });
    const again = new Mirror({ client: new SchedulerClient("http://b.test", variant, { fetch: forked.fetch }), store, processId: src.pid, scheduler: sched.address });
    const err = await again.syncTo().then(() => undefined, (e: unknown) => e);
    expect((err as RemoteError).code).toBe("fork");
    expect((err as RemoteError).details).toMatchObject({ slot: 5, cached: kept5.assignmentId, remote: (await rewrite.get(5))!.assignmentId });
    expect((await store.get(5))!.assignmentId).toBe(kept5.assignmentId);
  });
});

/** The assignment with its Timestamp one higher, keeping its signature (which then fails). */
function retimed(raw: Uint8Array): Uint8Array {
  const a = parseItem(raw, NO_LIMITS);
  const tags = a.tags.map((t) => (t.name === "Timestamp" ? { name: t.name, value: String(Number(t.value) + 1) } : t));
  return serializeItem({ signatureType: a.signatureType, signature: a.signature, owner: a.owner, anchor: a.anchor, tagCount: tags.length, tagBytes: encodeTags(tags), data: a.data });
}

describe("bundle pages read with their header ids unhashed", () => {
  /** The source's page with the first byte of item `item`'s id in the bundle header flipped. */
  async function lyingAbout(item: number) {
    const src = await source(4);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10 });
    const lying: typeof served.fetch = async (input, init) => {
      const answer = await served.fetch(input, init);
      const body = new Uint8Array(await answer.arrayBuffer());
      body[32 + item * 64 + 32] ^= 1;
      return new Response(body, { headers: answer.headers });
    };
    const store = new MemoryStore();
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", "ao.N.1", { fetch: lying }), store, processId: src.pid, scheduler: sched.address });
    return { src, store, mirror };
  }

  test("a header that lies about a message's id (item 3) pairs nothing: the page is refused and nothing of it is kept", async () => {
    const { store, mirror } = await lyingAbout(3);
    await expect(mirror.syncTo()).rejects.toThrow();
    expect(await store.last()).toBeUndefined();
  });

  test("a header that lies about an assignment's id (item 2) changes nothing kept: every id is the hash of its signature", async () => {
    const { src, store, mirror } = await lyingAbout(2);
    expect(await mirror.syncTo()).toMatchObject({ kept: 4 });
    const ids = (s: Store) => s.range({ from: 0, to: 4, limit: 10, maxBytes: 1e9 }).then((r) => r.map((x) => x.assignmentId));
    expect(await ids(store)).toEqual(await ids(src.store));
  });
});
