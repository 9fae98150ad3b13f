/**
 * The dashboard's one pool of check workers (check-worker.ts), one per core, owned by the mirror
 * worker and started when first needed. Every check the dashboard runs goes through it: the parts
 * of each page a mirror fetches, and the parts of a kept schedule verified again. A task goes to
 * the worker with the fewest in hand.
 *
 * A page part travels as one buffer holding all its bytes, transferred rather than copied, and
 * comes back as ids, timestamps and statuses only: the mirror worker already holds the bytes.
 */
import type { AuditResult } from "../../src/remote/audit.ts";
import { packSlots } from "../../src/schedule/store.ts";
import { verifySlots, verifySlotsInParts, type VerifyPart } from "../../src/remote/verify.ts";
import { fromWire, type Task, type TaskReply, type TaskResult } from "./worker-protocol.ts";

/** Pages shorter than two parts of this many slots are checked in place: handing parts out would cost more. */
const MIN_PART = 8;

interface Pending {
  worker: number;
  resolve: (v: TaskResult) => void;
  reject: (e: Error) => void;
  onProgress?: (checked: number) => void;
}

export class CheckPool {
  readonly size: number;
  readonly #workers: (Worker | undefined)[] = [];
  readonly #load: number[];
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  constructor(size: number) {
    this.size = Math.max(1, size);
    this.#load = new Array<number>(this.size).fill(0);
  }

  /** Checks a page as verifySlots does, in parts across the pool. */
  verify: VerifyPart = (slots, ctx, previous) => (this.size < 2 || slots.length < 2 * MIN_PART ? verifySlots(slots, ctx, previous) : verifySlotsInParts(slots, ctx, previous, this.size, this.#verifyPart));

  #verifyPart: VerifyPart = async (slots, ctx, previous) => {
    const part = packSlots(slots); // one buffer, transferred with the part
    const r = await this.#run({ kind: "verify", slots: part, ctx, previous }, [part[0].assignment.buffer as ArrayBuffer]);
    if (r.kind !== "verify") throw new Error(`a check worker answered a ${r.kind} task for a verify task`);
    return { slots: r.slots.map((v, i) => ({ slot: slots[i].slot, assignment: slots[i].assignment, message: slots[i].message, ...v })), scheduler: r.scheduler };
  };

  /** Checks slots `from` to `to` of a kept schedule again, as auditSchedule does, in one worker. */
  async audit(part: { processId: string; scheduler: string | undefined; from: number; to: number }, onProgress?: (checked: number) => void): Promise<AuditResult> {
    const r = await this.#run({ kind: "audit", ...part }, [], onProgress);
    if (r.kind !== "audit") throw new Error(`a check worker answered a ${r.kind} task for an audit task`);
    return r.result;
  }

  #run(task: Task, transfer: Transferable[], onProgress?: (checked: number) => void): Promise<TaskResult> {
    const id = ++this.#next;
    const i = this.#load.indexOf(Math.min(...this.#load));
    const worker = this.#worker(i);
    this.#load[i]++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { worker: i, resolve, reject, onProgress });
      worker.postMessage({ id, task }, transfer);
    });
  }

  #settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    if (p) {
      this.#pending.delete(id);
      this.#load[p.worker]--;
    }
    return p;
  }

  #worker(i: number): Worker {
    const existing = this.#workers[i];
    if (existing) return existing;
    const worker = new Worker(new URL("./check-worker.ts", import.meta.url), { type: "module" });
    worker.addEventListener("message", (m: MessageEvent<TaskReply>) => {
      const r = m.data;
      if (r.type === "progress") return void this.#pending.get(r.id)?.onProgress?.(r.checked);
      const p = this.#settle(r.id);
      if (r.type === "done") p?.resolve(r.value);
      else p?.reject(fromWire(r.error));
    });
    // A worker that cannot run fails what it was given, and is started afresh next time.
    worker.addEventListener("error", (e) => {
      this.#workers[i] = undefined;
      for (const [id, p] of this.#pending) if (p.worker === i) this.#settle(id)?.reject(new Error(`a check worker failed: ${e.message}`));
      worker.terminate();
    });
    this.#workers[i] = worker;
    return worker;
  }
}
