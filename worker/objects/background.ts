/**
 * A process object's background work, run from its alarm so it never delays a write: after a spawn,
 * registering the process with the NodeObject (for `status`, and to upload it); writing out the
 * object's counters (to its `meta` and the NodeObject's copy for `status`); after any write,
 * publishing new message and assignment ids to the global index shards (docs/id-index.md), and all
 * of them again when the shard layout changed. What is done is marked in the object's `meta` table
 * (`registered`, `indexed`, `index_layout`), so a restart resumes what is not; a write itself adds
 * nothing to `meta`.
 */
import type { StoredSlot } from "../../src/schedule/store.ts";
import type { Env } from "../env.ts";
import { COUNTER_FLUSH_MS, type ProcessCounters } from "./counters.ts";
import { publish, SHARDS } from "./index-object.ts";
import type { SqliteStore } from "./sqlite-store.ts";

/** Ids reach the global index this long after their slot, in batches (INDEX_DELAY_MS overrides). */
export const INDEX_DELAY_MS = 5000;
const INDEX_BATCH = 500;
/**
 * The shards a lookup asks, which ids were published to; when it changes, a process publishes its
 * ids again. Which of them holds an id does not matter to a lookup (it asks all), so ids placed by
 * id before 2026-12-05 are found where they are.
 */
const INDEX_LAYOUT = `shards-${SHARDS}`;

function indexDelay(env: Env): number {
  const ms = Number(env.INDEX_DELAY_MS);
  return env.INDEX_DELAY_MS !== undefined && env.INDEX_DELAY_MS !== "" && Number.isSafeInteger(ms) && ms >= 0 ? ms : INDEX_DELAY_MS;
}

export class Background {
  readonly #ctx: DurableObjectState;
  readonly #env: Env;
  readonly #store: SqliteStore;
  readonly #counters: ProcessCounters;
  /** When the pending alarm fires, if one is armed. */
  #armedAt: number | undefined;
  /** When ids written since the last publication are due at the index (none waiting: undefined). */
  #indexDue: number | undefined;

  constructor(ctx: DurableObjectState, env: Env, store: SqliteStore, counters: ProcessCounters) {
    this.#ctx = ctx;
    this.#env = env;
    this.#store = store;
    this.#counters = counters;
  }

  /** The object's counters changed: written out within COUNTER_FLUSH_MS (no storage touched now). */
  counted(): void {
    this.#later(COUNTER_FLUSH_MS);
  }

  /** Told of rows once written (in aggressive mode, as late as they are): a spawn is registered at once, ids are published soon. */
  written(rows: StoredSlot[]): void {
    const ms = rows.some((r) => r.slot === 0) ? 0 : indexDelay(this.#env);
    this.#indexDue = Math.min(this.#indexDue ?? Infinity, Date.now() + ms);
    this.#later(ms);
  }

  /** After the object opens on a schedule whose last slot is `current`: re-arms work a restart interrupted. */
  resume(current: number): void {
    if (!this.#store.ready || current < 0) return;
    this.#counters.restore(this.#meta("counters"));
    if (!this.#meta("registered") || this.#meta("index_layout") !== INDEX_LAYOUT || Number(this.#meta("indexed") ?? -1) < current) {
      this.#indexDue = Date.now();
      this.#later(0);
    }
  }

  /** The alarm: register a new process with the node, then publish the next batch of ids. */
  async run(): Promise<void> {
    // Work due by the time this alarm was set for is done (a test may run it early, as the runtime would late).
    const firedFor = this.#armedAt ?? Date.now();
    this.#armedAt = undefined;
    if (!this.#store.ready) return;
    const sql = this.#ctx.storage.sql;
    const spawn = sql.exec<{ message_id: string; timestamp: number }>("SELECT message_id, timestamp FROM slots WHERE slot = 0").toArray()[0];
    if (!spawn) return;
    const pid = spawn.message_id; // slot 0's message is the process
    if (this.#meta("index_layout") !== INDEX_LAYOUT) {
      // The shards were laid out differently when these ids were published (or never were): publish them all.
      sql.exec("DELETE FROM meta WHERE key = 'indexed'");
      this.#setMeta("index_layout", INDEX_LAYOUT);
      this.#indexDue = firedFor;
    }
    if (!this.#meta("registered")) {
      // The process item goes with it, for the node to upload when it has a bundler (UPLOAD_URL).
      await this.#env.NODE.getByName("node").register(pid, spawn.timestamp, (await this.#store.get(0))?.message);
      this.#setMeta("registered", "1");
    }
    if (this.#counters.dirty) {
      const counts = this.#counters.snapshot();
      this.#setMeta("counters", JSON.stringify(counts));
      this.#counters.dirty = false; // counts made while this is written out are written next time
      try {
        await this.#env.NODE.getByName("node").processCounts(pid, counts);
      } catch (err) {
        this.#counters.dirty = true;
        throw err;
      }
    }
    // The counters' flush runs sooner than INDEX_DELAY_MS: ids wait for their own time.
    if (this.#indexDue === undefined) return;
    if (this.#indexDue > firedFor) return this.#later(this.#indexDue - Date.now());
    this.#indexDue = undefined; // a write from here on is due again
    const from = Number(this.#meta("indexed") ?? -1) + 1;
    const rows = this.#store.ids(from, INDEX_BATCH);
    if (rows.length === 0) return;
    try {
      await publish(this.#env, pid, rows.flatMap((r) => [r.messageId, r.assignmentId]));
    } catch (err) {
      this.#indexDue = firedFor; // the alarm is retried; these ids stay due
      throw err;
    }
    this.#setMeta("indexed", String(rows.at(-1)!.slot));
    if (rows.length === INDEX_BATCH) {
      this.#indexDue = Date.now();
      this.#later(0);
    }
  }

  // One pending alarm at most, brought forward when work is due sooner. If arming fails, the next
  // write (or the next start) arms it again: the work stays due in `meta` either way.
  #later(ms: number): void {
    const at = Date.now() + ms;
    if (this.#armedAt !== undefined && this.#armedAt <= at) return;
    this.#armedAt = at;
    this.#ctx.storage.setAlarm(at).catch((err: unknown) => {
      this.#armedAt = undefined;
      console.error("process object: setting the background alarm failed; the next write retries", err);
    });
  }

  #meta(key: string): string | undefined {
    return this.#ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  #setMeta(key: string, value: string): void {
    this.#ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }
}
