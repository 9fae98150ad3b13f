/**
 * Workers that check the parts of a fetched page side by side (verify-worker.ts), one per core,
 * started by the mirror worker when it first needs them. Slots travel as copies of their own
 * bytes: a view would carry the whole page's buffer with it, once per slot.
 */
import { ownBytes } from "../../src/crypto/bytes.ts";
import { RemoteError, type RemoteErrorCode } from "../../src/remote/errors.ts";
import { verifySlots, verifySlotsInParts, type RemoteSlot, type VerifyPart } from "../../src/remote/verify.ts";
import type { VerifyReply } from "./worker-protocol.ts";

/** Pages shorter than two parts of this many slots are checked in place: handing parts out would cost more. */
const MIN_PART = 8;

const travelling = (s: RemoteSlot): RemoteSlot => ({ ...s, assignment: ownBytes(s.assignment), message: s.message && ownBytes(s.message) });

export class VerifyPool {
  readonly size: number;
  readonly #workers: (Worker | undefined)[] = [];
  readonly #pending = new Map<number, { worker: Worker; resolve: (v: Awaited<ReturnType<VerifyPart>>) => void; reject: (e: Error) => void }>();
  #next = 0;

  constructor(size: number) {
    this.size = Math.max(1, size);
  }

  /** Checks a page as verifySlots does, in parts across the pool. */
  verify: VerifyPart = (slots, ctx, previous) => (this.size < 2 || slots.length < 2 * MIN_PART ? verifySlots(slots, ctx, previous) : verifySlotsInParts(slots, ctx, previous, this.size, this.#check));

  #check: VerifyPart = (slots, ctx, previous) => {
    const id = ++this.#next;
    const worker = this.#worker(id % this.size);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, slots: slots.map(travelling), ctx, previous });
    });
  };

  #worker(i: number): Worker {
    const existing = this.#workers[i];
    if (existing) return existing;
    const worker = new Worker(new URL("./verify-worker.ts", import.meta.url), { type: "module" });
    worker.addEventListener("message", (m: MessageEvent<VerifyReply>) => {
      const r = m.data;
      const p = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      if (r.ok) p?.resolve(r.value);
      else p?.reject(r.error.code ? new RemoteError(r.error.code as RemoteErrorCode, r.error.message, r.error.details) : new Error(r.error.message));
    });
    // A worker that cannot run fails what it was given, and is started afresh next time.
    worker.addEventListener("error", (e) => {
      this.#workers[i] = undefined;
      for (const [id, p] of this.#pending) {
        if (p.worker !== worker) continue;
        this.#pending.delete(id);
        p.reject(new Error(`a verify worker failed: ${e.message}`));
      }
      worker.terminate();
    });
    this.#workers[i] = worker;
    return worker;
  }
}
