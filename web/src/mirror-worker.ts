/// <reference lib="webworker" />
/**
 * The mirror worker: runs every mirror job (fetching, checking, keeping), the live follow, imports
 * and audits off the page's main thread, with the page's one pool of check workers (pool.ts).
 * One job per process across tabs (a Web Lock named after it); jobs a reload interrupted resume
 * where their store stopped.
 */
import { SchedulerClient } from "../../src/remote/client.ts";
import { detectVariant } from "../../src/remote/detect.ts";
import { request } from "../../src/remote/http.ts";
import { schedulerUrl } from "../../src/remote/location.ts";
import { importInto, readScheduleFile } from "../../src/remote/schedule-file.ts";
import { countStatus, openDashboardDb, sourceFailure, type DashboardDb, type MirrorRecord } from "./db.ts";
import { deleteSchedule, IdbStore } from "./idb-store.ts";
import { MirrorJob, newMirrorRecord } from "./mirror-job.ts";
import { PEER_URL } from "./peer.ts";
import { auditInParts } from "./audit.ts";
import { CheckPool } from "./pool.ts";
import { toWire, type Call, type Event, type Imported, type Job } from "./worker-protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

const FOLLOW_WAIT_MS = 20_000;
const RETRY_MS = 5_000;
const dbReady = openDashboardDb();
// Every check runs here, in parts, one worker per core.
const pool = new CheckPool(navigator.hardwareConcurrency || 1);
const jobs = new Map<string, MirrorJob>();
const following = new Map<string, AbortController>();

const send = (e: Event) => self.postMessage(e);

function jobFor(db: DashboardDb, record: MirrorRecord): MirrorJob {
  let job = jobs.get(record.processId);
  if (!job) {
    job = new MirrorJob(db, record, { verify: pool.verify });
    job.subscribe((e) => send(e.type === "progress" ? { type: "record", record: e.record, progress: e.progress } : e.type === "fork" ? e : { type: "record", record: e.record }));
    jobs.set(record.processId, job);
  }
  return job;
}

/** Runs a job under its process's lock, so two tabs never mirror one process at once. */
function run(job: MirrorJob): Promise<MirrorRecord> {
  return navigator.locks.request(`mirror:${job.record.processId}`, () => job.start());
}

async function startMirror(db: DashboardDb, j: Job): Promise<MirrorRecord> {
  const url = schedulerUrl(j.url, "the scheduler URL"); // checked before anything is fetched
  const held = await db.get("mirrors", j.processId);
  if (held && held.kept >= 0 && (held.url !== url || (j.variant !== "auto" && held.variant !== j.variant))) {
    throw new Error(`process ${j.processId} is already mirrored from ${held.url} (${held.variant}); remove that mirror first`);
  }
  let record = held;
  if (!record || record.kept < 0) {
    const variant = j.variant === "auto" ? await detectVariant(url, { redirects: "follow" }) : j.variant;
    // Asked before anything is kept: a process the scheduler does not know leaves no record behind.
    await new SchedulerClient(url, variant, { redirects: "follow" }).slot(j.processId);
    record = newMirrorRecord({ processId: j.processId, url, variant });
    // A job still held for the record this one replaces reads the old source: it goes.
    const stale = jobs.get(j.processId);
    if (stale) {
      await stale.pause();
      jobs.delete(j.processId);
    }
    await db.put("mirrors", record);
  }
  const job = jobFor(db, record);
  send({ type: "record", record: job.record });
  void run(job);
  return job.record;
}

/**
 * Follows a process live: its scheduler's subscription when it can push (docs/live.md), each slot
 * checked as it arrives; `next?wait` (a request held until the next slot exists) when it cannot,
 * and a pause between syncs for a legacy SU. After any break it syncs the gap by pages first.
 */
async function follow(db: DashboardDb, processId: string, on: boolean): Promise<void> {
  following.get(processId)?.abort();
  following.delete(processId);
  if (!on) return;
  const record = await db.get("mirrors", processId);
  if (!record || record.url === PEER_URL) return;
  const stop = new AbortController();
  following.set(processId, stop);
  const job = jobFor(db, record);
  let pushes = record.variant === "ao.N.1";
  while (!stop.signal.aborted) {
    try {
      const kept = (await run(job)).kept;
      if (pushes) {
        const began = Date.now();
        // Under the process's lock, like a mirror run: one tab writes a process at a time.
        if (await navigator.locks.request(`mirror:${processId}`, () => job.follow(stop.signal))) {
          if (Date.now() - began < RETRY_MS && !stop.signal.aborted) await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        pushes = false; // this scheduler cannot push
      }
      // Our node holds a `next` request open until the slot exists; a legacy SU, and a HyperBEAM node (whose `next` is internal), are asked again after a pause.
      if (record.variant === "ao.N.1") {
        const url = `${record.url}/~scheduler@1.0/next?target=${processId}&from=${kept + 1}&lookahead=1&wait=${FOLLOW_WAIT_MS}`;
        await request(url, { headers: { accept: "application/json" } }, { redirects: "follow", timeoutMs: FOLLOW_WAIT_MS + RETRY_MS, signal: stop.signal });
      } else {
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    } catch {
      if (!stop.signal.aborted) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

async function importFile(db: DashboardDb, bytes: Uint8Array): Promise<Imported> {
  const file = readScheduleFile(bytes);
  const held = await db.get("mirrors", file.processId);
  const record = held ?? { ...newMirrorRecord({ processId: file.processId, url: "file", variant: file.dialect }), state: "done" as const };
  const counts = { ...record.counts };
  const store = new IdbStore(db, file.processId, { onAppend: (s) => countStatus(counts, s) });
  const added = await importInto(store, file, { processId: file.processId, scheduler: record.scheduler });
  const last = (await store.last())?.slot ?? -1;
  const next = { ...record, counts, kept: last, total: Math.max(record.total, last), updatedAt: Date.now() };
  await db.put("mirrors", next);
  send({ type: "record", record: next });
  return { record: next, inFile: file.slots.length, added };
}

/** Back online: every mirror whose last run failed to reach its source runs again. */
async function reconnect(db: DashboardDb): Promise<void> {
  for (const record of await db.getAll("mirrors")) {
    if (record.error && sourceFailure(record.error) && record.state !== "running" && record.url !== PEER_URL && record.url !== "file") void run(jobFor(db, record));
  }
}

async function remove(db: DashboardDb, processId: string): Promise<void> {
  following.get(processId)?.abort();
  await jobs.get(processId)?.pause();
  jobs.delete(processId);
  await deleteSchedule(db, processId, { record: true });
  send({ type: "removed", processId });
}

async function handle(db: DashboardDb, call: Call): Promise<unknown> {
  switch (call.op) {
    case "mirror":
      return startMirror(db, call.job);
    case "pause":
      return jobs.get(call.processId)?.pause();
    case "resume":
    case "sync": {
      const record = await db.get("mirrors", call.processId);
      if (!record) throw new Error(`process ${call.processId} is not mirrored in this browser`);
      if (record.url === PEER_URL || record.url === "file") return record;
      return run(jobFor(db, record));
    }
    case "remove":
      return remove(db, call.processId);
    case "follow":
      void follow(db, call.processId, call.on);
      return undefined;
    case "import":
      return importFile(db, call.bytes);
    case "reconnect":
      return reconnect(db);
    case "audit":
      return auditInParts(db, pool, call.processId, (report) => send({ type: "audit", report }));
  }
}

self.addEventListener("message", async (m: MessageEvent<{ id: number; call: Call }>) => {
  const db = await dbReady;
  try {
    send({ type: "reply", id: m.data.id, ok: true, value: await handle(db, m.data.call) });
  } catch (err) {
    send({ type: "reply", id: m.data.id, ok: false, error: toWire(err) });
  }
});

// Jobs a reload or a closed tab interrupted carry on.
void dbReady.then(async (db) => {
  for (const record of await db.getAll("mirrors")) if (record.state === "running") void run(jobFor(db, record));
});
