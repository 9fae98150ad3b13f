/// <reference lib="webworker" />
/**
 * An audit worker: checks one part of a kept schedule (slots `from` to `to`) against the kept slot
 * before it, with src/remote/audit.ts. web/src/audit.ts runs one per core, side by side.
 */
import { auditSchedule } from "../../src/remote/audit.ts";
import { chainStateOf } from "../../src/remote/verify.ts";
import { openDashboardDb } from "./db.ts";
import { IdbStore } from "./idb-store.ts";
import type { AuditPart, AuditPartEvent } from "./worker-protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

const dbReady = openDashboardDb();
const post = (e: AuditPartEvent) => self.postMessage(e);

self.addEventListener("message", async (m: MessageEvent<AuditPart>) => {
  const { processId, scheduler, from, to } = m.data;
  try {
    const store = new IdbStore(await dbReady, processId);
    const before = from > 0 ? await store.get(from - 1) : undefined;
    // A missing slot before `from` leaves `previous` unset: the part then breaks at `from` (slot continuity).
    const result = await auditSchedule(store, { processId, scheduler }, { from, to, previous: before && chainStateOf(before), onProgress: (checked) => post({ type: "progress", checked }) });
    post({ type: "done", result });
  } catch (err) {
    post({ type: "failed", error: (err as Error).message ?? String(err) });
  }
});
