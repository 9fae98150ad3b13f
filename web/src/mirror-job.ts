/**
 * A mirror job: one process's schedule copied from another scheduler into the dashboard database,
 * as a state machine persisted in its `mirrors` record. The fetching, checking and appending are
 * src/remote/mirror.ts's (Mirror.step); this host adds the record, progress, pause and resume.
 *
 * Resuming needs nothing but the record: Mirror starts after the store's last slot, so a new job
 * from a stored record (after a reload, in another worker) never fetches a kept page again.
 */
import { SchedulerClient, type Dialect } from "../../src/remote/client.ts";
import type { HttpOptions } from "../../src/remote/http.ts";
import type { ForkProof } from "../../src/remote/fork-proof.ts";
import { followSocket, subscribeUrl, type LiveSocket } from "../../src/remote/live.ts";
import { Mirror, type Progress } from "../../src/remote/mirror.ts";
import type { VerifyPart } from "../../src/remote/verify.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { countStatus, keepFork, sourceFailure, type DashboardDb, type MirrorRecord } from "./db.ts";
import { IdbStore } from "./idb-store.ts";

export type JobEvent = { type: "progress"; progress: Progress; record: MirrorRecord } | { type: "state"; record: MirrorRecord } | { type: "fork"; proof: ForkProof };

export interface MirrorJobOptions {
  /** For the scheduler client; `redirects` defaults to "follow" (browsers hide manual redirects). */
  http?: HttpOptions;
  now?: () => number;
  /** How each fetched page is checked (the mirror worker's pool of check workers); verifySlots by default. */
  verify?: VerifyPart;
  /** Opens a WebSocket (the host's by default), for following a scheduler live. */
  socket?: (url: string) => LiveSocket & { binaryType?: string };
}

/** A record for a process not mirrored yet. */
export function newMirrorRecord(o: { processId: string; url: string; variant: Dialect; scheduler?: string | undefined }, now = Date.now()): MirrorRecord {
  const record: MirrorRecord = { processId: o.processId, url: o.url, variant: o.variant, state: "idle", kept: -1, total: -1, counts: { verified: 0, "chain-checked": 0, unverified: 0 }, startedAt: now, updatedAt: now };
  if (o.scheduler !== undefined) record.scheduler = o.scheduler;
  return record;
}

export const listMirrors = (db: DashboardDb): Promise<MirrorRecord[]> => db.getAll("mirrors");
export const loadMirror = (db: DashboardDb, processId: string): Promise<MirrorRecord | undefined> => db.get("mirrors", processId);

/** The error as the record keeps it: RemoteError's code and slot when it has them. */
function errorOf(err: unknown): NonNullable<MirrorRecord["error"]> {
  const e = err as { code?: unknown; message?: unknown; details?: Record<string, unknown> };
  const out: NonNullable<MirrorRecord["error"]> = { code: typeof e?.code === "string" ? e.code : "internal", message: String(e?.message ?? err) };
  if (typeof e?.details?.slot === "number") out.slot = e.details.slot;
  return out;
}

/**
 * @example
 * const db = await openDashboardDb();
 * const job = new MirrorJob(db, (await loadMirror(db, pid)) ?? newMirrorRecord({ processId: pid, url, variant: await detectVariant(url, { redirects: "follow" }) }));
 * job.subscribe((e) => e.type === "progress" && render(e.progress));
 * await job.start(); // "done", "paused" or "failed"
 */
export class MirrorJob {
  readonly #db: DashboardDb;
  readonly #store: IdbStore;
  readonly #mirror: Mirror;
  readonly #now: () => number;
  readonly #socket: (url: string) => LiveSocket & { binaryType?: string };
  readonly #listeners = new Set<(e: JobEvent) => void>();
  #record: MirrorRecord;
  #run: Promise<MirrorRecord> | undefined;
  #stop = { aborted: false };

  constructor(db: DashboardDb, record: MirrorRecord, o: MirrorJobOptions = {}) {
    this.#db = db;
    this.#record = { ...record, counts: { ...record.counts } };
    this.#now = o.now ?? Date.now;
    this.#socket = o.socket ?? ((url) => new WebSocket(url) as unknown as LiveSocket);
    this.#store = new IdbStore(db, record.processId, { onAppend: (s) => this.#counted(s) });
    const client = new SchedulerClient(record.url, record.variant, { redirects: "follow", ...o.http });
    const onFork = async (proof: ForkProof) => {
      await keepFork(db, proof);
      this.#emit({ type: "fork", proof });
    };
    this.#mirror = new Mirror({ client, store: this.#store, processId: record.processId, scheduler: record.scheduler, verify: o.verify, onFork });
  }

  get record(): MirrorRecord {
    return structuredClone(this.#record);
  }

  get store(): IdbStore {
    return this.#store;
  }

  /** Hears progress after each page and every change of state; returns the unsubscribe. */
  subscribe(listener: (e: JobEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs until the remote has no more slots ("done"), a pause ("paused") or a failure ("failed",
   * the error kept in the record). Resolves with the record either way; a call while running
   * joins the run in flight.
   */
  start(): Promise<MirrorRecord> {
    if (!this.#run) {
      const stop = (this.#stop = { aborted: false });
      this.#run = this.#go(stop).finally(() => (this.#run = undefined));
    }
    return this.#run;
  }

  /** Fetches what the remote added since the last run (a run like any other: only new pages). */
  sync(): Promise<MirrorRecord> {
    return this.start();
  }

  /** Stops after the page in flight; resolves once the run has stopped. */
  async pause(): Promise<void> {
    this.#stop.aborted = true;
    await this.#run;
  }

  /**
   * Follows the scheduler live (docs/live.md): subscribes from the slot after the kept ones and
   * keeps each pushed slot once it passed every check (Mirror.accept), as it arrives. Resolves
   * true when the subscription ends (closed, or `signal` aborted), false when it never opened
   * (a scheduler that cannot push: follow it with `next?wait` instead). A slot that fails its
   * checks fails the record, as a page would, and rejects.
   */
  async follow(signal: AbortSignal): Promise<boolean> {
    const kept = (await this.#store.last())?.slot ?? -1;
    const ws = this.#socket(subscribeUrl(this.#record.url, this.#record.processId, kept + 1, "ans104"));
    ws.binaryType = "arraybuffer";
    const opened = await new Promise<boolean>((resolve) => {
      ws.addEventListener("open", () => resolve(true));
      ws.addEventListener("error", () => resolve(false));
      ws.addEventListener("close", () => resolve(false));
    });
    if (!opened) return false;
    const stop = () => ws.close(1000, "stopped following");
    signal.addEventListener("abort", stop);
    if (signal.aborted) stop();
    const began = this.#now();
    let appended = 0;
    try {
      await followSocket(ws, this.#record.processId, async (slot) => {
        const p = await this.#mirror.accept([slot]);
        appended += p.appended;
        await this.#save({ kept: p.kept, total: Math.max(this.#record.total, p.kept) });
        this.#progress(appended, began, false);
      });
      return true;
    } catch (err) {
      await this.#save({ state: "failed", kept: (await this.#store.last())?.slot ?? -1, error: errorOf(err) });
      throw err;
    } finally {
      signal.removeEventListener("abort", stop);
    }
  }

  async #go(stop: { aborted: boolean }): Promise<MirrorRecord> {
    // Complete before this run (whatever state a reload left it in): a source that cannot be reached breaks nothing kept.
    const complete = this.#record.kept >= 0 && this.#record.kept >= this.#record.total;
    await this.#save({ state: "running", error: undefined, startedAt: this.#now() });
    try {
      await this.#reconcile();
      const total = (await this.#mirror.client.slot(this.#record.processId)).current;
      await this.#save({ total: Math.max(total, this.#record.kept) });
      const began = this.#now();
      let appended = 0;
      for (;;) {
        const run = appended;
        const p = await this.#mirror.syncTo(
          undefined,
          async (p) => {
            appended = run + p.appended;
            await this.#save({ kept: p.kept, total: Math.max(this.#record.total, p.kept) });
            this.#progress(appended, began, p.continues);
          },
          stop,
        );
        if (stop.aborted) return await this.#save({ state: p.continues || p.kept < this.#record.total ? "paused" : "done" });
        // A remote's `continues` can be lost (a cross-origin header not exposed): short of the total, ask again while pages bring slots.
        if (!p.continues && (p.kept >= this.#record.total || p.appended === 0)) return await this.#save({ state: "done" });
      }
    } catch (err) {
      // Slots of pages appended before the failure stay kept; the record says where it stopped.
      const kept = (await this.#store.last())?.slot ?? -1;
      const error = errorOf(err);
      // A source that could not be asked (offline, down) broke nothing kept: a complete mirror stays complete, its last sync's failure noted.
      return this.#save({ state: complete && sourceFailure(error) ? "done" : "failed", kept, error });
    }
  }

  #counted(s: StoredSlot): void {
    countStatus(this.#record.counts, s);
  }

  /** Catches the record up with slots a run appended but did not record (a page closed mid-page). */
  async #reconcile(): Promise<void> {
    const last = (await this.#store.last())?.slot ?? -1;
    for (let from = this.#record.kept + 1; from <= last; ) {
      const slots = await this.#store.range({ from, to: last, limit: 100, maxBytes: 8 * 1024 * 1024 });
      if (slots.length === 0) break;
      slots.forEach((s) => this.#counted(s));
      from = slots.at(-1)!.slot + 1;
    }
    if (last !== this.#record.kept) await this.#save({ kept: last });
  }

  #progress(appended: number, began: number, continues: boolean): void {
    const { kept, total } = this.#record;
    const seconds = (this.#now() - began) / 1000;
    const rate = seconds > 0 ? appended / seconds : 0;
    const eta = kept >= total ? 0 : rate > 0 ? (total - kept) / rate : undefined;
    this.#emit({ type: "progress", progress: { kept, total, appended, continues, rate, eta }, record: this.record });
  }

  /** Persists a change; a change of state is announced. */
  async #save(change: Partial<MirrorRecord>): Promise<MirrorRecord> {
    const next: MirrorRecord = { ...this.#record, ...change, updatedAt: this.#now() };
    if (next.error === undefined) delete next.error;
    this.#record = next;
    await this.#db.put("mirrors", next);
    if (change.state !== undefined) this.#emit({ type: "state", record: this.record });
    return this.record;
  }

  #emit(e: JobEvent): void {
    for (const listener of this.#listeners) listener(e);
  }
}
