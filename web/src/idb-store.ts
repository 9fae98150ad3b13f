/**
 * The Store over IndexedDB: one process's slots in the dashboard database (web/src/db.ts),
 * consecutive slots a record, up to CHUNK_SLOTS of them and CHUNK_BYTES of items. Every read is a
 * key, index or range lookup: the chunk holding a slot is the last one starting at or before it
 * (a reverse cursor), `last()` the last of the process's chunks. Nothing scans the schedule but
 * lookups by id: they read the process's digests (8 bytes a slot, db.ts) in one request and
 * confirm a match in its chunk. Lookups by time go through the chunks' first and last timestamps.
 * A chunk once read serves the slots it holds until another is read: slots never change once
 * kept, so replay and single-slot reads do not read a chunk per slot.
 *
 * IndexedDB trap: a transaction commits once the event loop has nothing queued for it, so no
 * method awaits anything but its own requests while a transaction is open.
 */
import { packSlots, slotBytes, type RangeQuery, type Store, type StoredSlot } from "../../src/schedule/store.ts";
import { CHUNK_BYTES, CHUNK_SLOTS, chunkOf, digestOf, idHash, type ChunkRecord, type DashboardDb } from "./db.ts";

export interface IdbStoreOptions {
  /** Hears each slot after its append has committed (a mirror job counts statuses with it). */
  onAppend?: (slot: StoredSlot) => void;
}

/** Batches shorter than this (a live follow's slot, the browser peer's) grow a short last chunk instead of rewriting a long one. */
const TAIL = 16;

const bytesOf = (slots: readonly StoredSlot[]): number => slots.reduce((n, s) => n + slotBytes(s), 0);

/** Every record of a process (an IDBKeyRange: a global, read when called). */
export const allOf = (processId: string): IDBKeyRange => IDBKeyRange.bound([processId, -Infinity], [processId, Infinity]);

/** Deletes every kept slot of a process and, with `record`, its mirror record, in one transaction. */
export async function deleteSchedule(db: DashboardDb, processId: string, o: { record?: boolean } = {}): Promise<void> {
  const tx = db.transaction(["chunks", "digests", "mirrors"], "readwrite");
  const all = allOf(processId);
  await Promise.all([tx.objectStore("chunks").delete(all), tx.objectStore("digests").delete(all), o.record && tx.objectStore("mirrors").delete(processId), tx.done]);
}

export class IdbStore implements Store {
  readonly processId: string;
  readonly #db: DashboardDb;
  readonly #onAppend: ((slot: StoredSlot) => void) | undefined;
  #read: ChunkRecord | undefined;

  constructor(db: DashboardDb, processId: string, o: IdbStoreOptions = {}) {
    this.#db = db;
    this.processId = processId;
    this.#onAppend = o.onAppend;
  }

  /** This process's keys from `lo` to `hi` (first slots or index values). */
  #range<T>(lo: T, hi: T, lowerOpen = false): IDBKeyRange {
    return IDBKeyRange.bound([this.processId, lo], [this.processId, hi], lowerOpen);
  }

  #remember(chunk: ChunkRecord | undefined): ChunkRecord | undefined {
    if (chunk) this.#read = chunk;
    return chunk;
  }

  /** The chunk read last, when it holds `slot`. */
  #held(slot: number): ChunkRecord | undefined {
    const held = this.#read;
    return held && slot >= held.first && slot < held.first + held.slots.length ? held : undefined;
  }

  /** The chunk holding `slot`, from the one read last when it holds it. */
  async #chunkOf(slot: number): Promise<ChunkRecord | undefined> {
    const held = this.#held(slot);
    if (held) return held;
    const chunk = (await this.#db.transaction("chunks").store.openCursor(this.#range(-Infinity, slot), "prev"))?.value;
    return chunk && slot < chunk.first + chunk.slots.length ? this.#remember(chunk) : undefined;
  }

  /** The first slot of the chunk holding `slot` (or of the last chunk before it): the one read last's when it holds it, else from the keys alone. */
  async #firstOfChunk(slot: number): Promise<number> {
    const held = this.#held(slot);
    if (held) return held.first;
    const cursor = await this.#db.transaction("chunks").store.openKeyCursor(this.#range(-Infinity, slot), "prev");
    return cursor ? cursor.key[1] : slot;
  }

  async last() {
    const cursor = await this.#db.transaction("chunks").store.openCursor(allOf(this.processId), "prev");
    return this.#remember(cursor?.value)?.slots.at(-1);
  }

  append(s: StoredSlot) {
    return this.appendAll([s]);
  }

  async appendAll(slots: readonly StoredSlot[]) {
    if (slots.length === 0) return;
    // One transaction for the whole batch, the gap check included, so two writers cannot both append a slot.
    const tx = this.#db.transaction(["chunks", "digests"], "readwrite");
    const chunks = tx.objectStore("chunks");
    const digests = tx.objectStore("digests");
    const write = async () => {
      const head = (await chunks.openCursor(allOf(this.processId), "prev"))?.value;
      const expected = head ? head.first + head.slots.length : 0;
      const gap = slots.findIndex((s, i) => s.slot !== expected + i);
      if (gap >= 0) {
        tx.abort();
        throw new RangeError(`append: expected slot ${expected + gap}, got ${slots[gap].slot}`);
      }
      // A batch fills the last chunk first; a new one begins when a slot would pass either bound.
      // A short batch (a live follow's slot) does not rewrite a long chunk, whose write costs what
      // it holds: it grows a short last chunk, which joins the chunk before once TAIL long, if that has room.
      const short = slots.length < TAIL;
      let group = head && head.slots.length < (short ? TAIL : CHUNK_SLOTS) ? [...head.slots] : [];
      // The head as kept is written again only once something joins it.
      let unchanged = group.length > 0;
      const puts: Promise<unknown>[] = [];
      if (short && head && group.length > 0 && group.length + slots.length >= TAIL) {
        const before = (await chunks.openCursor(this.#range(-Infinity, head.first - 1), "prev"))?.value;
        const joined = before && [...before.slots, ...group, ...slots];
        if (joined && joined.length <= CHUNK_SLOTS && bytesOf(joined) <= CHUNK_BYTES) {
          group = [...before.slots, ...group];
          unchanged = false;
          puts.push(chunks.delete([this.processId, head.first]), digests.delete([this.processId, head.first]));
        }
      }
      let bytes = bytesOf(group);
      const put = () => unchanged || puts.push(chunks.put(chunkOf(this.processId, packSlots(group))), digests.put(digestOf(this.processId, group)));
      for (const s of slots) {
        if (group.length > 0 && (group.length === CHUNK_SLOTS || bytes + slotBytes(s) > CHUNK_BYTES)) {
          put();
          group = [];
          bytes = 0;
        }
        group.push(s);
        bytes += slotBytes(s);
        unchanged = false;
      }
      put();
      await Promise.all(puts);
    };
    // Await the writes and the commit together, so neither rejection is lost.
    await Promise.all([write(), tx.done]);
    if (this.#read && this.#read.first + this.#read.slots.length >= slots[0].slot) this.#read = undefined; // the chunk read last may have grown
    for (const s of slots) this.#onAppend?.(s);
  }

  async get(slot: number) {
    if (!Number.isSafeInteger(slot) || slot < 0) return undefined;
    const chunk = await this.#chunkOf(slot);
    return chunk?.slots[slot - chunk.first];
  }

  /** The lowest slot whose message id (`at` 0) or assignment id (`at` 1) is `id`. */
  async #slotOf(at: 0 | 1, id: string): Promise<number | undefined> {
    const hash = idHash(id);
    // In key order: the first match that holds is the lowest slot.
    for (const digest of await this.#db.getAll("digests", allOf(this.processId))) {
      for (let i = at; i < digest.ids.length; i += 2) {
        if (digest.ids[i] !== hash) continue;
        const s = await this.get(digest.first + (i >> 1));
        if (s && (at === 0 ? s.messageId : s.assignmentId) === id) return s.slot;
      }
    }
    return undefined;
  }

  slotOfMessage(id: string) {
    return this.#slotOf(0, id);
  }

  slotOfAssignment(id: string) {
    return this.#slotOf(1, id);
  }

  async firstSlotAfter(timestamp: number) {
    // Timestamps never go back along a kept schedule: the first chunk ending after `timestamp` holds the slot.
    const cursor = await this.#db.transaction("chunks").store.index("lastTimestamp").openCursor(this.#range(timestamp, Infinity, true));
    return this.#remember(cursor?.value)?.slots.find((s) => s.timestamp > timestamp)?.slot;
  }

  async lastSlotAtOrBefore(timestamp: number) {
    // Backwards, ties come highest chunk first.
    const cursor = await this.#db.transaction("chunks").store.index("firstTimestamp").openCursor(this.#range(-Infinity, timestamp), "prev");
    const slots = this.#remember(cursor?.value)?.slots ?? [];
    for (let i = slots.length - 1; i >= 0; i--) if (slots[i].timestamp <= timestamp) return slots[i].slot;
    return undefined;
  }

  async range({ from, to, limit, maxBytes }: RangeQuery) {
    if (to < from || limit < 1 || from < 0) return [];
    const end = Math.min(to, from + limit - 1);
    // One request for the whole range, after one for where it starts: a cursor costs a round trip to the browser's storage per record.
    const chunks = await this.#db.getAll("chunks", this.#range(await this.#firstOfChunk(from), end));
    this.#remember(chunks.at(-1));
    let bytes = 0;
    const out: StoredSlot[] = [];
    for (const chunk of chunks) {
      for (const s of chunk.slots) {
        if (s.slot < from || s.slot > end) continue;
        bytes += slotBytes(s);
        if (out.length > 0 && bytes > maxBytes) return out;
        out.push(s);
      }
    }
    return out;
  }
}
