/// <reference lib="webworker" />
/**
 * A check worker of the dashboard's pool (web/src/pool.ts): checks one part of a fetched page
 * (src/remote/verify.ts), or one part of a kept schedule again, reading it from IndexedDB itself
 * (src/remote/audit.ts), against the kept slot before that part.
 */
import { auditSchedule } from "../../src/remote/audit.ts";
import { chainStateOf, verifySlots } from "../../src/remote/verify.ts";
import { openDashboardDb, type DashboardDb } from "./db.ts";
import { IdbStore } from "./idb-store.ts";
import { wasmHashing } from "./wasm-hash.ts";
import { toWire, type Task, type TaskReply, type TaskResult } from "./worker-protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

let db: Promise<DashboardDb> | undefined;
const post = (r: TaskReply) => self.postMessage(r);

async function run(id: number, task: Task): Promise<TaskResult> {
  await wasmHashing;
  if (task.kind === "verify") {
    const { slots, scheduler } = await verifySlots(task.slots, task.ctx, task.previous);
    return { kind: "verify", slots: slots.map((s) => ({ assignmentId: s.assignmentId, messageId: s.messageId, timestamp: s.timestamp, status: s.status! })), scheduler };
  }
  const { processId, scheduler, from, to } = task;
  const store = new IdbStore(await (db ??= openDashboardDb()), processId);
  const before = from > 0 ? await store.get(from - 1) : undefined;
  // A missing slot before `from` leaves `previous` unset: the part then breaks at `from` (slot continuity).
  const result = await auditSchedule(store, { processId, scheduler }, { from, to, previous: before && chainStateOf(before), onProgress: (checked) => post({ id, type: "progress", checked }) });
  return { kind: "audit", result };
}

self.addEventListener("message", async (m: MessageEvent<{ id: number; task: Task }>) => {
  const { id, task } = m.data;
  try {
    post({ id, type: "done", value: await run(id, task) });
  } catch (err) {
    post({ id, type: "failed", error: toWire(err) });
  }
});
