/**
 * The Store over IndexedDB: one process's slots in the dashboard database (web/src/db.ts). Every
 * read is one key or index lookup, or a cursor that stops at what it needs; `last()` is a reverse
 * cursor over the process's key range, so nothing scans the schedule.
 *
 * IndexedDB trap: a transaction commits once the event loop has nothing queued for it, so no
 * method awaits anything but its own requests while a transaction is open.
 */
import { ownBytes } from "../../src/crypto/bytes.ts";
import { slotBytes, type RangeQuery, type Store, type StoredSlot } from "../../src/schedule/store.ts";
import type { DashboardDb, SlotRecord } from "./db.ts";

export interface IdbStoreOptions {
  /** Hears each slot after its append has committed (a mirror job counts statuses with it). */
  onAppend?: (slot: StoredSlot) => void;
}

/** A record without its process id: the StoredSlot it was made from. */
function slotOf(r: SlotRecord): StoredSlot {
  const { processId: _, ...slot } = r;
  return slot;
}

/** A slot's items are often views into a whole page's buffer: stored as they are, a 1,000-slot page would be written 1,000 times over. */
const recordOf = (s: StoredSlot, processId: string): SlotRecord => ({ ...s, assignment: ownBytes(s.assignment), message: s.message && ownBytes(s.message), processId });

export class IdbStore implements Store {
  readonly processId: string;
  readonly #db: DashboardDb;
  readonly #onAppend: ((slot: StoredSlot) => void) | undefined;

  constructor(db: DashboardDb, processId: string, o: IdbStoreOptions = {}) {
    this.#db = db;
    this.processId = processId;
    this.#onAppend = o.onAppend;
  }

  /** This process's keys from `lo` to `hi` slots or index values (read lazily: IDBKeyRange is a global). */
  #range<T>(lo: T, hi: T, lowerOpen = false): IDBKeyRange {
    return IDBKeyRange.bound([this.processId, lo], [this.processId, hi], lowerOpen);
  }

  async last() {
    const cursor = await this.#db.transaction("slots").store.openCursor(this.#range(-Infinity, Infinity), "prev");
    return cursor ? slotOf(cursor.value) : undefined;
  }

  async append(s: StoredSlot) {
    // The gap check and the write share one transaction, so two writers cannot both append a slot.
    const tx = this.#db.transaction("slots", "readwrite");
    const write = async () => {
      const head = await tx.store.openKeyCursor(this.#range(-Infinity, Infinity), "prev");
      const expected = head ? head.key[1] + 1 : 0;
      if (s.slot !== expected) {
        tx.abort();
        throw new RangeError(`append: expected slot ${expected}, got ${s.slot}`);
      }
      await tx.store.add(recordOf(s, this.processId));
    };
    // Await the writes and the commit together, so neither rejection is lost.
    await Promise.all([write(), tx.done]);
    this.#onAppend?.(s);
  }

  async appendAll(slots: readonly StoredSlot[]) {
    if (slots.length === 0) return;
    // One transaction for the whole batch: IndexedDB pays per transaction, far more than per record.
    const tx = this.#db.transaction("slots", "readwrite");
    const write = async () => {
      const head = await tx.store.openKeyCursor(this.#range(-Infinity, Infinity), "prev");
      const expected = head ? head.key[1] + 1 : 0;
      const gap = slots.findIndex((s, i) => s.slot !== expected + i);
      if (gap >= 0) {
        tx.abort();
        throw new RangeError(`append: expected slot ${expected + gap}, got ${slots[gap].slot}`);
      }
      await Promise.all(slots.map((s) => tx.store.add(recordOf(s, this.processId))));
    };
    await Promise.all([write(), tx.done]);
    for (const s of slots) this.#onAppend?.(s);
  }

  async get(slot: number) {
    const r = await this.#db.get("slots", [this.processId, slot]);
    return r ? slotOf(r) : undefined;
  }

  async slotOfMessage(id: string) {
    // Equal index keys come in primary-key order: the first is the lowest slot.
    return (await this.#db.getKeyFromIndex("slots", "message", [this.processId, id]))?.[1];
  }

  async slotOfAssignment(id: string) {
    return (await this.#db.getKeyFromIndex("slots", "assignment", [this.processId, id]))?.[1];
  }

  async firstSlotAfter(timestamp: number) {
    return (await this.#db.getKeyFromIndex("slots", "timestamp", this.#range(timestamp, Infinity, true)))?.[1];
  }

  async lastSlotAtOrBefore(timestamp: number) {
    // Backwards, ties come highest slot first.
    const cursor = await this.#db.transaction("slots").store.index("timestamp").openKeyCursor(this.#range(-Infinity, timestamp), "prev");
    return cursor?.primaryKey[1];
  }

  async range({ from, to, limit, maxBytes }: RangeQuery) {
    if (to < from || limit < 1) return [];
    // One request for the whole batch: a cursor costs a round trip to the browser's storage per slot.
    const records = await this.#db.getAll("slots", this.#range(from, to), limit);
    let bytes = 0;
    const out: StoredSlot[] = [];
    for (const r of records) {
      const s = slotOf(r);
      bytes += slotBytes(s);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(s);
    }
    return out;
  }
}
