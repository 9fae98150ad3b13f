/**
 * Verifying a kept schedule again on every core: the schedule is cut into consecutive parts, each
 * checked by its own worker (audit-worker.ts) against the kept slot before it, so every link is
 * checked in exactly one part and the first broken one is the lowest any part reports. The page
 * only splits, counts and merges.
 */
import { signerOf } from "../../src/remote/verify.ts";
import { mergeAudits, type AuditResult } from "../../src/remote/audit.ts";
import type { DashboardDb } from "./db.ts";
import { IdbStore } from "./idb-store.ts";
import type { AuditPart, AuditPartEvent, AuditReport } from "./worker-protocol.ts";

/** Parts are never shorter than this: starting a worker costs about as much as checking that many slots. */
const MIN_PART = 2000;
const MAX_WORKERS = 8;

export async function auditInParts(db: DashboardDb, processId: string, onReport: (r: AuditReport) => void): Promise<AuditReport> {
  const record = await db.get("mirrors", processId);
  if (!record) throw new Error(`process ${processId} is not mirrored in this browser`);
  const started = performance.now();
  const store = new IdbStore(db, processId);
  const total = ((await store.last())?.slot ?? -1) + 1;
  const report = (r: Partial<AuditReport>): AuditReport => ({ processId, checked: 0, total, done: false, verified: 0, chainChecked: 0, ms: performance.now() - started, ...r });
  if (total === 0) return report({ done: true });
  const scheduler = record.scheduler ?? signerOfSlot0(await store.get(0));
  const count = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_WORKERS, Math.floor(total / MIN_PART)));
  const size = Math.ceil(total / count);
  const progress = new Array<number>(count).fill(0);
  const workers: Worker[] = [];
  try {
    const parts = await Promise.all(
      progress.map((_, i) =>
        check(workers, { processId, scheduler, from: i * size, to: Math.min(total, (i + 1) * size) - 1 }, (checked) => {
          progress[i] = checked;
          onReport(report({ checked: progress.reduce((a, b) => a + b, 0) }));
        }),
      ),
    );
    return report({ ...mergeAudits(parts), done: true });
  } finally {
    workers.forEach((w) => w.terminate());
  }
}

/**
 * Without a location record, slot 0's signer is the scheduler every slot is held to, as a mirror
 * holds them. A slot 0 that cannot be read names no one: part 0 then breaks at slot 0 itself.
 */
function signerOfSlot0(slot0: { assignment: Uint8Array; assignmentId: string } | undefined): string | undefined {
  try {
    return slot0 && signerOf(slot0.assignment, slot0.assignmentId);
  } catch {
    return undefined;
  }
}

function check(workers: Worker[], part: AuditPart, onProgress: (checked: number) => void): Promise<AuditResult> {
  const worker = new Worker(new URL("./audit-worker.ts", import.meta.url), { type: "module" });
  workers.push(worker);
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (m: MessageEvent<AuditPartEvent>) => {
      const e = m.data;
      if (e.type === "progress") onProgress(e.checked);
      else if (e.type === "done") resolve(e.result);
      else reject(new Error(e.error));
    });
    worker.addEventListener("error", (e) => reject(new Error(`the audit worker for slots ${part.from}-${part.to} failed: ${e.message}`)));
    worker.postMessage(part);
  });
}
