/**
 * One Durable Object per AO process: that process's scheduler (docs/architecture.md). Its
 * single-threaded execution plus the Scheduler's queue serialise slot allocation; its SQLite holds
 * the schedule.
 * Thin on purpose: every decision is in src/schedule. Its alarm does the background work that must
 * not delay a write: registering a spawn with the node, and publishing ids to the global index.
 */
import { DurableObject } from "cloudflare:workers";
import { parseItem } from "../src/ans104/parse.ts";
import { readAssignment } from "../src/schedule/assignment.ts";
import { readLegacy, type LegacyQuery } from "../src/schedule/legacy-range.ts";
import { Scheduler, type Scheduled } from "../src/schedule/scheduler.ts";
import type { StoredSlot } from "../src/schedule/store.ts";
import { schedulingMode } from "./config.ts";
import type { Env } from "./env.ts";
import { publish, SHARDS, type IndexEntry } from "./index-object.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { schedulerSigner } from "./signer.ts";
import { SqliteStore } from "./sqlite-store.ts";

/** Ids reach the global index this long after their slot, in batches (INDEX_DELAY_MS overrides). */
export const INDEX_DELAY_MS = 5000;
const INDEX_BATCH = 500;
/** The shard layout ids were published under; when it changes, a process publishes its ids again. */
const INDEX_LAYOUT = `shards-${SHARDS}`;

function indexDelay(env: Env): number {
  const ms = Number(env.INDEX_DELAY_MS);
  return env.INDEX_DELAY_MS !== undefined && env.INDEX_DELAY_MS !== "" && Number.isSafeInteger(ms) && ms >= 0 ? ms : INDEX_DELAY_MS;
}

export interface ScheduledWire {
  slot: number;
  /** Raw assignment bytes. */
  assignment: Uint8Array;
  assignmentId: string;
  created: boolean;
  /** The item's bytes (the assignment's `body`) for an existing slot; for a new one the caller has them. */
  message: Uint8Array | undefined;
  messageId: string;
}

export interface SlotState {
  current: number;
  timestamp: number | undefined;
  height: number;
}

export interface ReadQuery {
  from: number;
  to?: number | undefined;
  limit: number;
  maxBytes: number;
}

export interface ReadResult {
  slots: StoredSlot[];
  continues: boolean;
  current: number;
}

/** The object that schedules process `pid`. */
export const processObject = (env: Env, pid: string) => env.PROCESS.getByName(pid);

export class ProcessObject extends DurableObject<Env> {
  readonly #store: SqliteStore;
  #scheduler: Promise<Scheduler> | undefined;
  #alarmSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new SqliteStore(ctx.storage, {
      deferred: schedulingMode(env) === "aggressive",
      afterWrite: (rows) => this.#written(rows),
      // A deferred write failed after its slot was announced: restart from what is durable.
      onWriteFailure: (err) => ctx.abort(`deferred write failed: ${String(err)}`),
    });
  }

  /** Schedules a raw item the worker has verified: a spawn of this process or a message to it. */
  /** `id` is the item's id as the worker computed it when it verified the bytes. */
  schedule(pid: string, raw: Uint8Array, id: string, opts: { height?: number; legacy?: boolean }): Promise<Outcome<ScheduledWire>> {
    return outcome(async () => {
      const s = await this.#open(pid);
      const r = await s.schedule(parseItem(raw, undefined, id), opts);
      return this.#wire(s, r);
    });
  }

  /** Legacy `assign`: a new slot naming `messageId`, carrying the item when the node holds it. */
  assign(pid: string, messageId: string, opts: { height?: number; exclude?: string[]; message?: Uint8Array }): Promise<Outcome<ScheduledWire>> {
    return outcome(async () => {
      const s = await this.#open(pid);
      const r = await s.assign(messageId, opts);
      return this.#wire(s, r);
    });
  }

  /** Bench only (worker/routes/bench.ts): `count` assignments of one held item, appended in a row. */
  seed(pid: string, messageId: string, message: Uint8Array, count: number): Promise<Outcome<{ current: number }>> {
    return outcome(async () => {
      const s = await this.#open(pid);
      for (let i = 0; i < count; i++) await s.assign(messageId, { message });
      return { current: s.current };
    });
  }

  async state(pid: string): Promise<SlotState> {
    const s = await this.#open(pid);
    return { current: s.current, timestamp: s.head?.timestamp, height: s.head?.height ?? 0 };
  }

  read(pid: string, q: ReadQuery): Promise<Outcome<ReadResult>> {
    return outcome(async () => {
      const s = await this.#open(pid);
      return { ...(await s.read(q)), current: s.current };
    });
  }

  async readLegacy(pid: string, q: LegacyQuery): Promise<{ slots: StoredSlot[]; hasNextPage: boolean; current: number }> {
    const s = await this.#open(pid);
    return { ...(await readLegacy(s, q)), current: s.current };
  }

  /** The CU's `next`: waits up to `waitMs` for slot `from`, then reads it and the slots after it. */
  async next(pid: string, q: ReadQuery, waitMs: number): Promise<Outcome<ReadResult>> {
    const s = await this.#open(pid);
    await s.waitFor(q.from, waitMs);
    return this.read(pid, q);
  }

  /** One slot by number, or the latest. */
  async slot(pid: string, which: number | "latest"): Promise<StoredSlot | undefined> {
    const s = await this.#open(pid);
    return s.current < 0 ? undefined : this.#store.get(which === "latest" ? s.current : which);
  }

  /** The slot holding `id` as its message or its assignment (the message's first slot). */
  async find(pid: string, id: string): Promise<StoredSlot | undefined> {
    await this.#open(pid);
    const slot = (await this.#store.slotOfMessage(id)) ?? (await this.#store.slotOfAssignment(id));
    return slot === undefined ? undefined : this.#store.get(slot);
  }

  /** Background work: register a new process with the node, then publish new ids to the index. */
  override async alarm(): Promise<void> {
    this.#alarmSet = false;
    if (!this.#store.ready) return;
    const pid = this.#meta("process");
    if (!pid) return;
    if (this.#meta("index_layout") !== INDEX_LAYOUT) {
      // The shards were laid out differently when these ids were published: publish them again.
      this.ctx.storage.sql.exec("DELETE FROM meta WHERE key = 'indexed'");
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_layout', ?)", INDEX_LAYOUT);
    }
    const unregistered = this.#meta("unregistered");
    if (unregistered) {
      await this.env.NODE.getByName("node").register(pid, Number(unregistered));
      this.ctx.storage.sql.exec("DELETE FROM meta WHERE key = 'unregistered'");
    }
    const from = Number(this.#meta("indexed") ?? -1) + 1;
    const rows = this.#store.ids(from, INDEX_BATCH);
    if (rows.length === 0) return;
    const entries: IndexEntry[] = rows.flatMap((r) => [[r.messageId, pid], [r.assignmentId, pid]] as IndexEntry[]);
    await publish(this.env, entries);
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('indexed', ?)", String(rows.at(-1)!.slot));
    if (rows.length === INDEX_BATCH) this.#later(0);
  }

  // Inside the transaction that wrote `rows` (so in aggressive mode, as late as they are).
  #written(rows: StoredSlot[]): void {
    const spawn = rows.find((r) => r.slot === 0);
    if (spawn) {
      const sql = this.ctx.storage.sql;
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('process', ?)", spawn.messageId); // slot 0's message is the process
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('unregistered', ?)", String(Date.now()));
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_layout', ?)", INDEX_LAYOUT);
    }
    this.#later(spawn ? 0 : indexDelay(this.env));
  }

  #meta(key: string): string | undefined {
    return this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  #later(ms: number): void {
    if (this.#alarmSet) return;
    this.#alarmSet = true;
    void this.ctx.storage.setAlarm(Date.now() + ms);
  }

  // A new slot's message is what the caller sent: not sent back. An existing one is read.
  async #wire(s: Scheduler, r: Scheduled): Promise<ScheduledWire> {
    const stored = r.created ? undefined : await s.store.get(r.slot);
    return {
      slot: r.slot,
      assignment: r.assignment.raw,
      assignmentId: r.assignment.id,
      created: r.created,
      message: r.created ? undefined : stored?.message,
      messageId: stored?.messageId ?? readAssignment(r.assignment).messageId ?? s.processId,
    };
  }

  #open(pid: string): Promise<Scheduler> {
    if (!this.#scheduler) {
      this.#scheduler = schedulerSigner(this.env)
        .then((signer) => Scheduler.open({ processId: pid, store: this.#store, signer }))
        .then((s) => {
          // Resume background work a restart interrupted.
          if (this.#store.ready && (this.#meta("unregistered") || this.#meta("index_layout") !== INDEX_LAYOUT || Number(this.#meta("indexed") ?? -1) < s.current)) {
            this.#later(0);
          }
          return s;
        });
      this.#scheduler.catch(() => (this.#scheduler = undefined));
    }
    return this.#scheduler;
  }
}
