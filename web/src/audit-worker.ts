/// <reference lib="webworker" />
/** One part of a parallel audit (parallel-audit.ts): checks slots `from` to `to` of a kept schedule. */
import { auditSchedule } from "../../src/remote/audit.ts";
import { openDashboardDb } from "./db.ts";
import { IdbStore } from "./idb-store.ts";
import type { AuditPart } from "./parallel-audit.ts";

declare const self: DedicatedWorkerGlobalScope;
const dbReady = openDashboardDb();

self.addEventListener("message", async (m: MessageEvent<AuditPart>) => {
  const { processId, scheduler, from, to, previous } = m.data;
  const store = new IdbStore(await dbReady, processId);
  const result = await auditSchedule(store, { processId, scheduler }, { from, to, previous, onProgress: (checked) => self.postMessage({ checked }) });
  self.postMessage({ result });
});
