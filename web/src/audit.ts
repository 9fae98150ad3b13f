/**
 * "Verify again" on every core: the mirror worker cuts a kept schedule into consecutive parts,
 * one per worker of its pool (pool.ts), each checked against the kept slot before it, so every
 * link is checked in exactly one part and the first broken one is the lowest any part reports.
 */
import { mergeAudits } from "../../src/remote/audit.ts";
import { signerOfStored } from "../../src/remote/verify.ts";
import type { DashboardDb } from "./db.ts";
import { IdbStore } from "./idb-store.ts";
import type { CheckPool } from "./pool.ts";
import type { AuditReport } from "./worker-protocol.ts";

/** Parts are never shorter than this: a part costs a task and a read of the slot before it. */
const MIN_PART = 500;

export async function auditInParts(db: DashboardDb, pool: CheckPool, processId: string, onReport: (r: AuditReport) => void): Promise<AuditReport> {
  const record = await db.get("mirrors", processId);
  if (!record) throw new Error(`process ${processId} is not mirrored in this browser`);
  const started = performance.now();
  const store = new IdbStore(db, processId);
  const total = ((await store.last())?.slot ?? -1) + 1;
  const report = (r: Partial<AuditReport>): AuditReport => ({ processId, checked: 0, total, done: false, verified: 0, chainChecked: 0, unverified: 0, ms: performance.now() - started, ...r });
  if (total === 0) return report({ done: true });
  const scheduler = record.scheduler ?? signerOfSlot0(await store.get(0));
  const count = Math.max(1, Math.min(pool.size, Math.floor(total / MIN_PART)));
  const size = Math.ceil(total / count);
  const progress = new Array<number>(count).fill(0);
  const parts = await Promise.all(
    progress.map((_, i) =>
      pool.audit({ processId, scheduler, from: i * size, to: Math.min(total, (i + 1) * size) - 1 }, (checked) => {
        progress[i] = checked;
        onReport(report({ checked: progress.reduce((a, b) => a + b, 0) }));
      }),
    ),
  );
  return report({ ...mergeAudits(parts), done: true });
}

/**
 * Without a location record, slot 0's signer is the scheduler every slot is held to, as a mirror
 * holds them. A slot 0 that cannot be read names no one: part 0 then breaks at slot 0 itself.
 */
function signerOfSlot0(slot0: Parameters<typeof signerOfStored>[0] | undefined): string | undefined {
  try {
    return slot0 && signerOfStored(slot0);
  } catch {
    return undefined;
  }
}
