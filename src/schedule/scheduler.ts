/**
 * The scheduler of one process: gives each item the next slot, signs the assignment, chains it,
 * and stores both in one write (D2-D7, docs/architecture.md). Work on one process is serialised
 * here, because signing awaits and a host may deliver the next request meanwhile.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValueAnyCase } from "../ans104/tags.ts";
import { addressOfKey } from "../crypto/ids.ts";
import type { Signer } from "../crypto/signers.ts";
import { readAssignment, signAssignment } from "./assignment.ts";
import { checkProcess, classify, type ClassifyOptions } from "./classify.ts";
import { ScheduleError } from "./errors.ts";
import { chainNext, chainSeed } from "./hash-chain.ts";
import { readRange } from "./legacy-range.ts";
import type { Store, StoredSlot } from "./store.ts";

export const DEFAULT_VARIANT = "ao.N.1";

/** The facts the next slot is computed from. */
export interface Head {
  slot: number;
  assignmentId: string;
  hashChain: string;
  timestamp: number;
  height: number;
}

export interface Scheduled {
  slot: number;
  assignment: DataItem;
  /** False when the item was already scheduled and its existing assignment is returned (D7). */
  created: boolean;
}

export interface SchedulerOptions {
  processId: string;
  store: Store;
  signer: Signer;
  /** Wall clock in ms; injectable for tests. */
  now?: () => number;
}

export interface PlaceOptions extends ClassifyOptions {
  /** Re-scheduling a process another scheduler holds into a local schedule (the browser peer's replay): it need not name this one. */
  replay?: boolean;
  /** The latest Arweave height the host knows; the scheduler never lets height go down. */
  height?: number;
}

export class Scheduler {
  readonly processId: string;
  readonly #store: Store;
  readonly #signer: Signer;
  readonly #now: () => number;
  #head: Head | undefined;
  /** The address the schedule's last assignment is signed by, when that is not this signer's. */
  #signedBy: string | undefined;
  #variant = DEFAULT_VARIANT;
  #tail: Promise<unknown> = Promise.resolve();
  #waiters: { slot: number; wake: () => void }[] = [];

  private constructor(o: SchedulerOptions) {
    this.processId = o.processId;
    this.#store = o.store;
    this.#signer = o.signer;
    this.#now = o.now ?? Date.now;
  }

  /** Opens the schedule kept in `store`: reads only its last slot and slot 0, whatever its length. */
  static async open(o: SchedulerOptions): Promise<Scheduler> {
    const s = new Scheduler(o);
    const last = await o.store.last();
    if (last) {
      const assignment = parseItem(last.assignment, NO_LIMITS, last.assignmentId);
      const info = readAssignment(assignment);
      const signedBy = addressOfKey(assignment.owner);
      if (signedBy !== o.signer.address) s.#signedBy = signedBy;
      s.#head = { slot: last.slot, assignmentId: last.assignmentId, hashChain: info.hashChain, timestamp: info.timestamp, height: info.height };
      const first = await o.store.get(0);
      if (first?.message) s.#variant = variantOf(parseItem(first.message, NO_LIMITS, first.messageId));
    }
    return s;
  }

  /** The highest slot, -1 when nothing is scheduled. */
  get current(): number {
    return this.#head?.slot ?? -1;
  }

  get head(): Head | undefined {
    return this.#head;
  }

  get address(): string {
    return this.#signer.address;
  }

  /** Schedules a verified item: a process (slot 0) or a message to this process. */
  async schedule(item: DataItem, opts: PlaceOptions = {}): Promise<Scheduled> {
    const what = classify(item, opts);
    if (what.processId !== this.processId) {
      throw new ScheduleError("invalid-message", `item ${item.id} is for process ${what.processId}, not ${this.processId}`);
    }
    if (what.kind === "process" && !opts.replay) checkProcess(item, this.#signer.address);
    return this.#exclusive(async () => {
      const existing = await this.#store.slotOfMessage(item.id);
      if (existing !== undefined) return this.#existing(existing);
      if (what.kind === "process") {
        if (this.#head) throw new ScheduleError("invalid-process", `process ${this.processId} already has slot 0`);
        this.#variant = variantOf(item);
      } else if (!this.#head) {
        throw new ScheduleError("unknown-process", `process ${this.processId} is not known to this scheduler; spawn it first`);
      }
      return this.#append(what.kind === "process" ? undefined : item.id, item.raw, opts.height, undefined);
    });
  }

  /**
   * Assigns an item by id (legacy `assign`): a new slot whose assignment names `messageId`,
   * carrying `message` when the item's bytes are known. Re-assigning takes a new slot, as the SU does.
   */
  async assign(messageId: string, opts: { height?: number; exclude?: readonly string[]; message?: Uint8Array } = {}): Promise<Scheduled> {
    return this.#exclusive(async () => {
      if (!this.#head) throw new ScheduleError("unknown-process", `process ${this.processId} is not known to this scheduler`);
      return this.#append(messageId, opts.message, opts.height, opts.exclude);
    });
  }

  /**
   * Assigns items by id in order, each as `assign` would, in one write: all take their slots or
   * none does. What the browser peer's replay of a mirrored schedule uses, a page at a time, where
   * one write a slot cost milliseconds each.
   */
  async assignAll(items: readonly { messageId: string; message?: Uint8Array }[]): Promise<Scheduled[]> {
    return this.#exclusive(async () => {
      if (!this.#head) throw new ScheduleError("unknown-process", `process ${this.processId} is not known to this scheduler`);
      const made: { stored: StoredSlot; assignment: DataItem }[] = [];
      let head: Head = this.#head;
      for (const { messageId, message } of items) {
        const next = this.#following(head, 0);
        const assignment = await this.#signed(next, messageId, undefined);
        const row = this.#row(next, assignment, messageId, message);
        made.push({ stored: row.stored, assignment });
        head = row.head;
      }
      if (made.length === 0) return [];
      await this.#store.appendAll(made.map((m) => m.stored)); // throws before the head moves: a failed write takes no slot
      this.#head = head;
      this.#wake();
      return made.map((m) => ({ slot: m.stored.slot, assignment: m.assignment, created: true }));
    });
  }

  /** Reads `from..to` (inclusive, `to` defaulting to the current slot); `continues` is exact. */
  read(q: { from: number; to?: number | undefined; limit: number; maxBytes: number }): Promise<{ slots: StoredSlot[]; continues: boolean }> {
    return readRange(this, q);
  }

  get store(): Store {
    return this.#store;
  }

  /** Resolves true once `slot` exists, or false after `ms`; either way no timer is left behind. */
  waitFor(slot: number, ms: number): Promise<boolean> {
    if (this.current >= slot) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, ms);
      const waiter = {
        slot,
        wake: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  async #existing(slot: number): Promise<Scheduled> {
    const stored = await this.#store.get(slot);
    if (!stored) throw new ScheduleError("unavailable", `slot ${slot} is indexed but missing`);
    return { slot, assignment: parseItem(stored.assignment, NO_LIMITS, stored.assignmentId), created: false };
  }

  async #append(messageId: string | undefined, message: Uint8Array | undefined, height = 0, exclude: readonly string[] | undefined): Promise<Scheduled> {
    // Only the signature and the write are awaited: each await inside the lock lets other requests' work run before the next slot.
    const next = this.#following(this.#head, height);
    const assignment = await this.#signed(next, messageId, exclude);
    const row = this.#row(next, assignment, messageId, message);
    await this.#store.append(row.stored); // throws before the head moves: a failed write takes no slot
    this.#head = row.head;
    this.#wake();
    return { slot: next.slot, assignment, created: true };
  }

  /** The slot after `head` and what its assignment carries, still to be signed. */
  #following(head: Head | undefined, height: number): Omit<Head, "assignmentId"> {
    // Readers hold every slot to one scheduler's key: a slot signed by another would break the schedule for all of them.
    if (this.#signedBy) {
      throw new ScheduleError("unavailable", `process ${this.processId} is scheduled by ${this.#signedBy}, and this node now signs as ${this.#signer.address} (its key changed?): no slot is added until it signs with ${this.#signedBy}'s key again`, { scheduler: this.#signedBy });
    }
    return {
      slot: head ? head.slot + 1 : 0,
      hashChain: head ? chainNext(head.assignmentId, head.hashChain) : chainSeed(this.processId),
      timestamp: Math.max(this.#now(), head ? head.timestamp + 1 : 0), // D5: strictly increasing
      height: Math.max(height, head?.height ?? 0), // D5: never decreasing
    };
  }

  /** Signs that slot's assignment (the promise is passed on, not awaited in between). */
  #signed(next: Omit<Head, "assignmentId">, messageId: string | undefined, exclude: readonly string[] | undefined): Promise<DataItem> {
    return signAssignment(this.#signer, { processId: this.processId, variant: this.#variant, messageId, exclude, ...next });
  }

  /** The row to store for a signed slot, and the head it makes. */
  #row(next: Omit<Head, "assignmentId">, assignment: DataItem, messageId: string | undefined, message: Uint8Array | undefined): { stored: StoredSlot; head: Head } {
    const stored: StoredSlot = {
      slot: next.slot,
      assignmentId: assignment.id,
      messageId: messageId ?? this.processId,
      timestamp: next.timestamp,
      assignment: assignment.raw,
      message,
    };
    return { stored, head: { slot: next.slot, assignmentId: assignment.id, hashChain: next.hashChain, timestamp: next.timestamp, height: next.height } };
  }

  #wake(): void {
    const current = this.current;
    this.#waiters = this.#waiters.filter((w) => (w.slot <= current ? (w.wake(), false) : true));
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

const variantOf = (process: DataItem): string => tagValueAnyCase(process.tags, "Variant") ?? DEFAULT_VARIANT;
