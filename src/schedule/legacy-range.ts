/**
 * The legacy SU's page ranges (legacy-su.md §1.7) over a schedule: timestamp mode (`from`
 * exclusive, `to` inclusive, on Timestamp) or nonce mode (`from-nonce` exclusive, `to-nonce`
 * inclusive). Slot 0 is the process, so "the process as edge 0 when `from` is absent or
 * `from-nonce=-1`" falls out of the ranges. Timestamps strictly increase with slots, so a
 * timestamp range is a slot range.
 */
import type { Scheduler } from "./scheduler.ts";
import type { StoredSlot } from "./store.ts";

export interface LegacyQuery {
  mode: "timestamp" | "nonce";
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  maxBytes: number;
}

export async function readLegacy(s: Scheduler, q: LegacyQuery): Promise<{ slots: StoredSlot[]; hasNextPage: boolean }> {
  let from: number;
  let to: number | undefined;
  if (q.mode === "nonce") {
    from = q.from === undefined ? 0 : q.from + 1;
    to = q.to;
  } else {
    from = q.from === undefined ? 0 : ((await s.store.firstSlotAfter(q.from)) ?? s.current + 1);
    to = q.to === undefined ? undefined : ((await s.store.lastSlotAtOrBefore(q.to)) ?? -1);
  }
  const r = await s.read({ from: Math.max(0, from), to, limit: q.limit, maxBytes: q.maxBytes });
  return { slots: r.slots, hasNextPage: r.continues };
}
