/**
 * The legacy SU's page ranges (legacy-su.md §1.7) over a schedule: timestamp mode (`from`
 * exclusive, `to` inclusive, on Timestamp) or nonce mode (`from-nonce` exclusive, `to-nonce`
 * inclusive). Slot 0 is the process, so "the process as edge 0 when `from` is absent or
 * `from-nonce=-1`" falls out of the ranges. Timestamps never decrease with slots, so a timestamp
 * range is a slot range.
 */
import type { Store, StoredSlot } from "./store.ts";

export interface LegacyQuery {
  mode: "timestamp" | "nonce";
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  maxBytes: number;
}

/** A schedule to read: its store and its highest slot (-1 when empty). A Scheduler is one. */
export interface ScheduleView {
  readonly store: Store;
  readonly current: number;
}

/** Reads `from..to` (inclusive, `to` defaulting to the current slot); `continues` is exact. */
export async function readRange(s: ScheduleView, q: { from: number; to?: number | undefined; limit: number; maxBytes: number }): Promise<{ slots: StoredSlot[]; continues: boolean }> {
  const end = Math.min(q.to ?? s.current, s.current);
  if (q.from > end) return { slots: [], continues: false };
  const slots = await s.store.range({ from: q.from, to: end, limit: q.limit, maxBytes: q.maxBytes });
  const last = slots.at(-1)?.slot ?? q.from - 1;
  return { slots, continues: last < end };
}

export async function readLegacy(s: ScheduleView, q: LegacyQuery): Promise<{ slots: StoredSlot[]; hasNextPage: boolean }> {
  let from: number;
  let to: number | undefined;
  if (q.mode === "nonce") {
    from = q.from === undefined ? 0 : q.from + 1;
    to = q.to;
  } else {
    from = q.from === undefined ? 0 : ((await s.store.firstSlotAfter(q.from)) ?? s.current + 1);
    to = q.to === undefined ? undefined : ((await s.store.lastSlotAtOrBefore(q.to)) ?? -1);
  }
  const r = await readRange(s, { from: Math.max(0, from), to, limit: q.limit, maxBytes: q.maxBytes });
  return { slots: r.slots, hasNextPage: r.continues };
}
