/**
 * An audit of a long schedule split across workers, one per core: each checks a contiguous part
 * against the kept slot before it, so every link is checked exactly once and the parts run side
 * by side. The result is the whole audit's: counts up to the first broken link, and that link.
 */
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { auditSchedule, type AuditResult } from "../../src/remote/audit.ts";
import { chainStateOf, type ChainState } from "../../src/remote/verify.ts";
import type { IdbStore } from "./idb-store.ts";

export interface AuditPart {
  processId: string;
  scheduler: string;
  from: number;
  to: number;
  previous: ChainState | undefined;
}

/** Below this many slots, one thread is quicker than starting workers. */
const PARALLEL_FROM = 4000;

function runPart(part: AuditPart, onProgress: (checked: number) => void): Promise<AuditResult> {
  const worker = new Worker(new URL("./audit-worker.ts", import.meta.url), { type: "module" });
  return new Promise<AuditResult>((resolve, reject) => {
    worker.addEventListener("message", (m: MessageEvent<{ checked?: number; result?: AuditResult }>) => {
      if (m.data.result) resolve(m.data.result);
      else onProgress(m.data.checked ?? 0);
    });
    worker.addEventListener("error", (e) => reject(new Error(`an audit worker failed: ${e.message}`)));
  }).finally(() => worker.terminate());
}

export async function parallelAudit(store: IdbStore, scheduler: string | undefined, onProgress: (checked: number) => void): Promise<AuditResult> {
  const processId = store.processId;
  const total = ((await store.last())?.slot ?? -1) + 1;
  const parts = Math.min(4, navigator.hardwareConcurrency || 2);
  if (total < PARALLEL_FROM || parts < 2) return auditSchedule(store, { processId, scheduler }, { onProgress });
  // Every part holds its slots to the one scheduler: the named one, or slot 0's signer.
  const first = (await store.get(0))!;
  const signer = scheduler ?? addressOf(parseItem(first.assignment, NO_LIMITS, first.assignmentId).owner);
  const size = Math.ceil(total / parts);
  const progress = new Array<number>(parts).fill(0);
  const results = await Promise.all(
    Array.from({ length: parts }, async (_, i) => {
      const from = i * size;
      const previous = from === 0 ? undefined : chainStateOf((await store.get(from - 1))!);
      return runPart({ processId, scheduler: signer, from, to: Math.min(total, from + size) - 1, previous }, (checked) => {
        progress[i] = checked;
        onProgress(progress.reduce((a, b) => a + b, 0));
      });
    }),
  );
  const whole: AuditResult = { checked: 0, verified: 0, chainChecked: 0 };
  for (const r of results) {
    whole.checked += r.checked;
    whole.verified += r.verified;
    whole.chainChecked += r.chainChecked;
    if (r.broken) return { ...whole, broken: r.broken };
  }
  return whole;
}
