/**
 * The write path both protocol surfaces share (D11, docs/architecture.md): a posted body becomes a
 * verified item (worker/ingest.ts), is classified, checked when it is a spawn (its `Scheduler` must
 * be this node), and scheduled by its process's object; a new slot is counted and remembered.
 * Routes keep only their protocol's parts: content-type, which process the request names, and
 * how the answer is rendered.
 */
import type { Context } from "hono";
import type { DataItem } from "../src/ans104/data-item.ts";
import { checkProcess, classify } from "../src/schedule/classify.ts";
import { ScheduleError } from "../src/schedule/errors.ts";
import type { AppEnv } from "./env.ts";
import { HttpError, unwrap } from "./errors.ts";
import { requestHeight } from "./height.ts";
import { verifiedItem } from "./ingest.ts";
import { countAssignment } from "./metrics.ts";
import { processTarget } from "./targets.ts";
import { remember } from "./recent-ids.ts";
import type { ScheduledWire } from "./scheduled-wire.ts";
import { schedulerSigner } from "./signer.ts";

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
  scheduled: ScheduledWire;
}

/**
 * Schedules the signed item in `body` on its process: a new slot, or the existing one of a re-post.
 * A spawn naming another scheduler, or a message to a process held elsewhere, goes to that
 * scheduler (worker/targets.ts) and its assignment comes back.
 */
export async function scheduleItem(c: Context<AppEnv>, body: Uint8Array, opts: ScheduleItemOptions = {}): Promise<ItemScheduled> {
  const item = await verifiedItem(body);
  const what = classify(item, { legacy: opts.legacy });
  if (opts.named && opts.named.processId !== what.processId) throw new HttpError(400, `item ${item.id} is for process ${what.processId}, ${opts.named.mismatch}`);
  const place = { height: await requestHeight(c), legacy: opts.legacy };
  let elsewhere: { item: DataItem; refusal: ScheduleError } | undefined;
  if (what.kind === "process") {
    try {
      checkProcess(item, (await schedulerSigner(c.env)).address);
    } catch (err) {
      if ((err as { code?: string }).code !== "wrong-scheduler") throw err;
      elsewhere = { item, refusal: err as ScheduleError };
    }
  }
  const target = processTarget(c, what.processId, { processItem: elsewhere?.item, hint: opts.hint });
  const scheduled = await target.schedule(body, item.id, place).catch((err: { code?: string; message?: string }) => {
    // A spawn for a scheduler that cannot be found stays what it was: not this node's to schedule.
    if (elsewhere && err?.code === "no-scheduler") throw new ScheduleError("wrong-scheduler", `${elsewhere.refusal.message}; ${err.message}`, elsewhere.refusal.details);
    throw err;
  });
  if (scheduled.created && !scheduled.proxied) {
    countAssignment(what.kind);
    remember(what.processId, item.id, scheduled.assignmentId);
  }
  return { item, scheduled };
}
