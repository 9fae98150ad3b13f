/**
 * The mirror job (web/src/mirror-job.ts) over fake-indexeddb, against schedules served from memory
 * (test/support/remote-source.ts) in each wire shape: a full run, pause and resume from the stored
 * record by a new job, a later sync, a tampered slot, and legacy pages that lost their anchors.
 */
import { describe, expect, test } from "vitest";
import { readBundle } from "../../src/ans104/bundle.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { encodeTags } from "../../src/ans104/tags.ts";
import type { Variant } from "../../src/remote/client.ts";
import { MemoryStore } from "../../src/schedule/memory-store.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { sourceFailure, type DashboardDb } from "../../web/src/db.ts";
import { listMirrors, loadMirror, MirrorJob, newMirrorRecord, type JobEvent } from "../../web/src/mirror-job.ts";
import { schedulerSigner } from "../support/keys.ts";
import { serveSchedule, type Source } from "../support/remote-source.ts";
import { signedSchedule } from "../support/signed-schedule.ts";
import { PROCESS_4QTY, suOutputItems } from "../support/vectors.ts";
import { withDb } from "./fresh-db.ts";

const sched = await schedulerSigner();
const URL_B = "http://b.test";

/** The page requests among those served (not the slot or latest asks). */
const pagesOf = (s: Source) => s.requests.filter((r) => /\/schedule\?|\?process-id=.*nonce/.test(r));

const record = (pid: string, variant: Variant) => newMirrorRecord({ processId: pid, url: URL_B, variant, scheduler: sched.address });

/** A clock that moves 100 ms each time it is read, so rates are known and positive. */
function clock() {
  let t = 1_700_000_000_000;
  return () => (t += 100);
}

function listen(job: MirrorJob) {
  const events: JobEvent[] = [];
  job.subscribe((e) => events.push(e));
  return {
    progress: () => events.flatMap((e) => (e.type === "progress" ? [e.progress] : [])),
    states: () => events.flatMap((e) => (e.type === "state" ? [e.record.state] : [])),
  };
}

const allKept = async (db: DashboardDb, pid: string) => (await db.getAll("chunks", IDBKeyRange.bound([pid, -Infinity], [pid, Infinity]))).flatMap((c) => c.slots);

/** The assignment with a tag value changed and its signature kept (which then fails to verify). */
function resigned(raw: Uint8Array): Uint8Array {
  const { tags, ...item } = parseItem(raw, NO_LIMITS);
  const changed = tags.map((t) => (t.name === "Block-Height" ? { ...t, value: `${t.value}1` } : t));
  return serializeItem({ ...item, tagCount: changed.length, tagBytes: encodeTags(changed) });
}

const shapes: [string, Variant, boolean][] = [
  ["ao.N.1 bundle pages", "ao.N.1", false],
  ["ao.N.1 lossless JSON pages", "ao.N.1", true],
  ["ao.TN.1 legacy JSON pages", "ao.TN.1", false],
];

describe.each(shapes)("a mirror job over %s", (_name, variant, json) => {
  test("a full run reaches done with kept == total == 24, every slot verified, and progress after each page of 10", () =>
    withDb(async (db) => {
      const src = await signedSchedule(24);
      const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
      const job = new MirrorJob(db, record(src.pid, variant), { http: { fetch: served.fetch }, now: clock() });
      const heard = listen(job);
      const done = await job.start();
      expect(done).toMatchObject({ state: "done", kept: 24, total: 24, counts: { verified: 25, "chain-checked": 0 } });
      expect(done.error).toBeUndefined();
      expect(heard.states()).toEqual(["running", "done"]);
      const progress = heard.progress();
      expect(progress.map((p) => [p.kept, p.appended, p.total])).toEqual([[9, 10, 24], [18, 19, 24], [24, 25, 24]]);
      expect(progress.every((p) => p.rate! > 0)).toBe(true);
      expect(progress[0].eta).toBeGreaterThan(0);
      expect(progress.at(-1)!.eta).toBe(0);
      expect(await loadMirror(db, src.pid)).toEqual(done);
      expect(await listMirrors(db)).toEqual([done]);
      const kept = await allKept(db, src.pid);
      expect(kept.map((s) => s.assignmentId)).toEqual((await src.store.range({ from: 0, to: 24, limit: 100, maxBytes: 1e9 })).map((s) => s.assignmentId));
      expect(kept.every((s) => s.status === "verified")).toBe(true);
    }));

  test("paused as it starts, it stops after its first page; a new job from the stored record resumes at slot 9 and no page is fetched twice", () =>
    withDb(async (db) => {
      const src = await signedSchedule(24);
      const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
      const first = new MirrorJob(db, record(src.pid, variant), { http: { fetch: served.fetch } });
      first.subscribe((e) => e.type === "state" && e.record.state === "running" && void first.pause());
      expect(await first.start()).toMatchObject({ state: "paused", kept: 9 });
      expect(await loadMirror(db, src.pid)).toMatchObject({ state: "paused", kept: 9, counts: { verified: 10 } });

      const second = new MirrorJob(db, (await loadMirror(db, src.pid))!, { http: { fetch: served.fetch } });
      expect(await second.start()).toMatchObject({ state: "done", kept: 24, total: 24, counts: { verified: 25 } });
      const pages = pagesOf(served);
      expect(pages).toHaveLength(3);
      expect(new Set(pages).size).toBe(3);
      expect(pages[1]).toMatch(variant === "ao.N.1" ? /from=9\b/ : /from-nonce=8\b/);
      expect((await allKept(db, src.pid)).map((s) => s.slot)).toEqual([...Array(25).keys()]);
    }));

  test("sync after the remote grows by 3 slots fetches one page, from the last kept slot, and keeps 25-27", () =>
    withDb(async (db) => {
      const src = await signedSchedule(24);
      const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
      await new MirrorJob(db, record(src.pid, variant), { http: { fetch: served.fetch } }).start();
      await src.more(3, "late");
      served.requests.length = 0;
      const later = new MirrorJob(db, (await loadMirror(db, src.pid))!, { http: { fetch: served.fetch } });
      expect(await later.sync()).toMatchObject({ state: "done", kept: 27, total: 27, counts: { verified: 28 } });
      expect(pagesOf(served)).toEqual([expect.stringMatching(variant === "ao.N.1" ? /from=24\b/ : /from-nonce=23\b/)]);
      expect((await later.store.last())?.slot).toBe(27);
    }));

  test("a tampered assignment at slot 13 fails the job with verification-failed at slot 13; only the page before it (0-9) is kept", () =>
    withDb(async (db) => {
      const src = await signedSchedule(15);
      const served = serveSchedule(src.pid, src.store, { pageSize: 10, json });
      served.tamper = (s) => (s.slot === 13 ? { ...s, assignment: resigned(s.assignment) } : s);
      const job = new MirrorJob(db, record(src.pid, variant), { http: { fetch: served.fetch } });
      const heard = listen(job);
      const failed = await job.start();
      expect(failed).toMatchObject({ state: "failed", kept: 9, total: 15, error: { code: "verification-failed", slot: 13 } });
      expect(failed.error!.message).toMatch(/^slot 13: assignment signature check failed/);
      expect(heard.states()).toEqual(["running", "failed"]);
      expect(await loadMirror(db, src.pid)).toEqual(failed);
      expect((await allKept(db, src.pid)).map((s) => s.slot)).toEqual([...Array(10).keys()]);
    }));
});

test("a sync of a complete mirror whose source cannot be reached stays done with every slot kept, notes the failure, and the next sync clears it", () =>
  withDb(async (db) => {
    const src = await signedSchedule(12);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10 });
    let down = false;
    const fetch = (input: string, init?: RequestInit) => (down ? Promise.reject(new TypeError("Failed to fetch")) : served.fetch(input, init));
    await new MirrorJob(db, record(src.pid, "ao.N.1"), { http: { fetch } }).start();
    down = true;
    const job = new MirrorJob(db, (await loadMirror(db, src.pid))!, { http: { fetch } });
    const heard = listen(job);
    const offline = await job.sync();
    expect(offline).toMatchObject({ state: "done", kept: 12, total: 12, counts: { verified: 13 }, error: { code: "remote-failed" } });
    expect(offline.error!.message).toBe("scheduler http://b.test cannot be reached: Failed to fetch");
    expect(heard.states()).toEqual(["running", "done"]);
    down = false;
    await src.more(2, "back");
    const back = await job.sync();
    expect(back).toMatchObject({ state: "done", kept: 14, total: 14, counts: { verified: 15 } });
    expect(back.error).toBeUndefined();
  }));

test("a complete mirror a reload left recorded as running, resumed with its source unreachable, stays done: completeness is read from what is kept, not from the state", () =>
  withDb(async (db) => {
    const src = await signedSchedule(4);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10 });
    const done = await new MirrorJob(db, record(src.pid, "ao.N.1"), { http: { fetch: served.fetch } }).start();
    await db.put("mirrors", { ...done, state: "running" }); // a sync the page closed mid-way
    const fetch = () => Promise.reject(new TypeError("Failed to fetch"));
    const resumed = await new MirrorJob(db, (await loadMirror(db, src.pid))!, { http: { fetch } }).start();
    expect(resumed).toMatchObject({ state: "done", kept: 4, error: { code: "remote-failed" } });
  }));

test("only a failure of the source counts as one: an error of this browser (a full disk, a bug) is not retried as if the source were away", () => {
  expect(sourceFailure({ code: "remote-failed", message: "scheduler x cannot be reached: Failed to fetch" })).toBe(true);
  expect(sourceFailure({ code: "remote-timeout", message: "scheduler x did not answer within 10000 ms" })).toBe(true);
  expect(sourceFailure({ code: "internal", message: "QuotaExceededError" })).toBe(false);
  expect(sourceFailure({ code: "verification-failed", message: "slot 3: …", slot: 3 })).toBe(false);
  expect(sourceFailure({ code: "fork", message: "slot 3: …" })).toBe(false);
});

test("a first run whose source cannot be reached fails (nothing is complete to keep showing)", () =>
  withDb(async (db) => {
    const src = await signedSchedule(3);
    const fetch = () => Promise.reject(new TypeError("Failed to fetch"));
    expect(await new MirrorJob(db, record(src.pid, "ao.N.1"), { http: { fetch } }).start()).toMatchObject({ state: "failed", kept: -1, error: { code: "remote-failed" } });
  }));

test("bundle pages whose continues header is hidden (not exposed cross-origin) are still mirrored to the remote's current slot", () =>
  withDb(async (db) => {
    const src = await signedSchedule(24);
    const served = serveSchedule(src.pid, src.store, { pageSize: 10 });
    const hiding = async (input: string, init?: RequestInit) => {
      const res = await served.fetch(input, init);
      return res.headers.has("continues") ? new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type")! } }) : res;
    };
    const job = new MirrorJob(db, record(src.pid, "ao.N.1"), { http: { fetch: hiding } });
    expect(await job.start()).toMatchObject({ state: "done", kept: 24, total: 24 });
    expect(pagesOf(served)).toHaveLength(3);
  }));

test("legacy pages from an SU that ignores show-anchor (anchors shown as null) keep all 31 slots of 4QTy… as chain-checked", () =>
  withDb(async (db) => {
    const store = new MemoryStore();
    for (const raw of suOutputItems()
      .map((raw) => readBundle(parseItem(raw, NO_LIMITS).data))
      .sort(([a], [b]) => readAssignment(a).slot - readAssignment(b).slot)) {
      const [assignment, message] = raw;
      const info = readAssignment(assignment);
      await store.append({ slot: info.slot, assignmentId: assignment.id, messageId: info.messageId ?? info.processId, timestamp: info.timestamp, assignment: assignment.raw, message: message?.raw });
    }
    const served = serveSchedule(PROCESS_4QTY, store, { pageSize: 10 });
    const fetch = served.fetch;
    const job = new MirrorJob(db, newMirrorRecord({ processId: PROCESS_4QTY, url: URL_B, variant: "ao.TN.1" }), {
      http: { fetch: (input, init) => fetch(input.replace("&show-anchor=true", ""), init) },
    });
    expect(await job.start()).toMatchObject({ state: "done", kept: 30, total: 30, counts: { verified: 0, "chain-checked": 31 } });
    const kept = await allKept(db, PROCESS_4QTY);
    expect(kept.map((s) => s.assignmentId)).toEqual((await store.range({ from: 0, to: 30, limit: 100, maxBytes: 1e9 })).map((s) => s.assignmentId));
    expect(new Set(kept.map((s) => s.status))).toEqual(new Set(["chain-checked"]));
    expect(served.requests.some((r) => r.includes("show-anchor"))).toBe(false);
  }));
