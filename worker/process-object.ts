/**
 * One Durable Object per AO process: that process's scheduler (DESIGN.md §1). Its single-threaded
 * execution plus the Scheduler's queue serialise slot allocation; its SQLite holds the schedule.
 * Thin on purpose: every decision is in src/schedule.
 */
import { DurableObject } from "cloudflare:workers";
import { parseItem } from "../src/ans104/parse.ts";
import { Scheduler } from "../src/schedule/scheduler.ts";
import type { StoredSlot } from "../src/schedule/store.ts";
import { schedulingMode } from "./config.ts";
import type { Env } from "./env.ts";
import { migrate, PROCESS_MIGRATIONS } from "./migrations.ts";
import { outcome, type Outcome } from "./outcome.ts";
import { schedulerSigner } from "./signer.ts";
import { SqliteStore } from "./sqlite-store.ts";

export interface ScheduledWire {
  slot: number;
  /** Raw assignment bytes. */
  assignment: Uint8Array;
  created: boolean;
  /** The scheduled item's bytes (what the assignment's `body` is). */
  message: Uint8Array | undefined;
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

export class ProcessObject extends DurableObject<Env> {
  readonly #store: SqliteStore;
  #scheduler: Promise<Scheduler> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, PROCESS_MIGRATIONS);
    this.#store = new SqliteStore(ctx.storage, { deferred: schedulingMode(env) === "aggressive" });
  }

  /** Schedules a raw item the worker has verified: a spawn of this process or a message to it. */
  schedule(pid: string, raw: Uint8Array, opts: { height?: number; legacy?: boolean }): Promise<Outcome<ScheduledWire>> {
    return outcome(async () => {
      const s = await this.#open(pid);
      const r = await s.schedule(parseItem(raw), opts);
      if (r.created && r.slot === 0) this.#spawned(pid);
      const message = r.created ? raw : (await s.store.get(r.slot))?.message;
      return { slot: r.slot, assignment: r.assignment.raw, created: r.created, message };
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

  /** The CU's `next`: waits up to `waitMs` for slot `from`, then reads it and the slots after it. */
  async next(pid: string, q: ReadQuery, waitMs: number): Promise<Outcome<ReadResult>> {
    const s = await this.#open(pid);
    await s.waitFor(q.from, waitMs);
    return this.read(pid, q);
  }

  /** Registers a new process with the node object; retried by the alarm until it succeeds. */
  override async alarm(): Promise<void> {
    const row = this.ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'unregistered'").toArray()[0];
    if (!row) return;
    const { pid, spawned } = JSON.parse(row.value) as { pid: string; spawned: number };
    await this.env.NODE.getByName("node").register(pid, spawned);
    this.ctx.storage.sql.exec("DELETE FROM meta WHERE key = 'unregistered'");
  }

  #spawned(pid: string): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('unregistered', ?)", JSON.stringify({ pid, spawned: Date.now() }));
    void this.ctx.storage.setAlarm(Date.now());
  }

  #open(pid: string): Promise<Scheduler> {
    if (!this.#scheduler) {
      this.#scheduler = schedulerSigner(this.env).then((signer) => Scheduler.open({ processId: pid, store: this.#store, signer }));
      this.#scheduler.catch(() => (this.#scheduler = undefined));
    }
    return this.#scheduler;
  }
}
