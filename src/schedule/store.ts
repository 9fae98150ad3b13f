/**
 * Where a schedule lives. One Store holds one process's slots. The Durable Object implements it
 * over SQLite, the browser over IndexedDB, unit tests in memory; all pass test/schedule/store.case.ts.
 */

/**
 * How far a slot was checked. Slots this node scheduled are its own and carry no status. A slot
 * from another scheduler is "verified" (every signature, id and the chain checked) or, when its
 * source format lost what a signature check needs, "chain-checked" (everything else checked), or
 * "unverified": read from a HyperBEAM node's aos-2 JSON, whose httpsig signatures this project
 * cannot check (src/remote/verify-aos2.ts says what is checked). An unverified slot's
 * `assignment` and `message` hold the aos-2 structs as JSON, not ANS-104 items.
 */
export type SlotStatus = "verified" | "chain-checked" | "unverified";

export interface StoredSlot {
  slot: number;
  assignmentId: string;
  /** The scheduled item's id (the process id on slot 0); for an assign, the assigned id. */
  messageId: string;
  timestamp: number;
  /** Raw ANS-104 bytes of the assignment. */
  assignment: Uint8Array;
  /** Raw bytes of the scheduled item; undefined when only its id was assigned. */
  message: Uint8Array | undefined;
  /** Set on slots copied from another scheduler. */
  status?: SlotStatus;
}

export interface RangeQuery {
  from: number;
  /** Inclusive. */
  to: number;
  limit: number;
  /** Stop before exceeding this many bytes of assignments and messages (one slot always fits). */
  maxBytes: number;
}

export interface Store {
  /** The highest slot, or undefined for an empty schedule. Must not scan the schedule. */
  last(): Promise<StoredSlot | undefined>;
  /** Writes one slot atomically; slot numbers arrive in order with no gaps. */
  append(slot: StoredSlot): Promise<void>;
  /** Writes consecutive slots after the last one in one atomic write, all or none (a mirror's checked page). */
  appendAll(slots: readonly StoredSlot[]): Promise<void>;
  get(slot: number): Promise<StoredSlot | undefined>;
  slotOfMessage(messageId: string): Promise<number | undefined>;
  slotOfAssignment(assignmentId: string): Promise<number | undefined>;
  /** The first slot whose timestamp is greater than `timestamp`, if any. */
  firstSlotAfter(timestamp: number): Promise<number | undefined>;
  /** The last slot whose timestamp is at most `timestamp`, if any. */
  lastSlotAtOrBefore(timestamp: number): Promise<number | undefined>;
  range(q: RangeQuery): Promise<StoredSlot[]>;
}

/** Bytes a slot costs in a page. */
export const slotBytes = (s: Pick<StoredSlot, "assignment" | "message">): number => s.assignment.length + (s.message?.length ?? 0);

/**
 * The slots with their items copied end to end into one new buffer, as views into it.
 * Structured clone (IndexedDB, postMessage) copies a view's whole buffer once however many views
 * share it: slots packed so are written, sent and read back as one buffer, where a buffer an item
 * costs an allocation each, and views into a larger buffer (a whole page) would copy all of it.
 */
export function packSlots<T extends Pick<StoredSlot, "assignment" | "message">>(slots: readonly T[]): T[] {
  let length = 0;
  for (const s of slots) length += slotBytes(s);
  const all = new Uint8Array(length);
  let at = 0;
  const put = (bytes: Uint8Array) => {
    all.set(bytes, at);
    at += bytes.length;
    return all.subarray(at - bytes.length, at);
  };
  return slots.map((s) => ({ ...s, assignment: put(s.assignment), message: s.message && put(s.message) }));
}
