/**
 * The write path both protocol surfaces share (D11, docs/architecture.md): a posted body becomes a
 * verified item (ingest.ts), is classified, placed (a spawn where its `Scheduler` tag says,
 * where.ts; a message where its process is, targets.ts) and scheduled there; a new slot is counted
 * and remembered. Routes keep only their protocol's parts: content-type, which process the request
 * names, and how the answer is rendered.
 */
import type { Context } from "hono";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { classify } from "../../src/schedule/classify.ts";
import { ScheduleError } from "../../src/schedule/errors.ts";
import type { ScheduledWire } from "../contract.ts";
import type { AppEnv } from "../env.ts";
import { countAssignment } from "../http/metrics.ts";
import { requestHeight } from "./height.ts";
import { verifiedItem } from "./ingest.ts";
import { remember } from "./recent-ids.ts";
import { placedTarget, processTarget } from "./targets.ts";
import { spawnPlace } from "./where.ts";
import { checkWriteBy } from "./write-policy.ts";

export interface ScheduleItemOptions {
  /** The legacy SU's rules for what an item may be (`Type`, `Data-Protocol`). */
  legacy?: boolean;
  /**
   * The process the request itself names (its path, or `process-id`), if any: an item for another
   * process is a 400 ending in `mismatch`, checked right after classification.
   */
  named?: { processId: string; mismatch: string } | undefined;
  /** A scheduler URL the request gave with the process id. */
  hint?: string | undefined;
}

export interface ItemScheduled {
  item: DataItem;
  /** The process it was scheduled on: the item itself for a spawn, its target for a message. */
  processId: string;
  scheduled: ScheduledWire;
}

/**
 * Schedules the signed item in `body` on its process: a new slot, or the existing one of a re-post.
 * A spawn naming another scheduler, or a message to a process held elsewhere, goes to that
 * scheduler and its assignment comes back.
 */
export async function scheduleItem(c: Context<AppEnv>, body: Uint8Array, opts: ScheduleItemOptions = {}): Promise<ItemScheduled> {
  const item = await verifiedItem(body);
  const what = classify(item, { legacy: opts.legacy });
  if (opts.named && opts.named.processId !== what.processId) throw new ScheduleError("invalid-message", `item ${item.id} is for process ${what.processId}, ${opts.named.mismatch}`);
  const allowed = checkWriteBy(c.env, item, what.kind === "process"); // the operator's policy (SPAWN_ALLOW, RATE_LIMIT_SIGNER)
  if (allowed) await allowed;
  const place = { height: await requestHeight(c), legacy: opts.legacy };
  const target = what.kind === "process" ? placedTarget(c, what.processId, await spawnPlace(c.env, item, opts.hint)) : processTarget(c, what.processId, opts.hint);
  const scheduled = await target.schedule(body, item.id, place);
  if (scheduled.created && !scheduled.proxied) {
    countAssignment(what.kind);
    remember(what.processId, item.id, scheduled.assignmentId);
  }
  return { item, processId: what.processId, scheduled };
}
