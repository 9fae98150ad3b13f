/** An in-memory Store, for tests and for hosts that keep nothing. */
import { slotBytes, type RangeQuery, type StoredSlot, type Store } from "./store.ts";

export class MemoryStore implements Store {
  readonly #slots: StoredSlot[] = [];
  readonly #byMessage = new Map<string, number>();
  readonly #byAssignment = new Map<string, number>();

  async last() {
    return this.#slots.at(-1);
  }

  async append(s: StoredSlot) {
    if (s.slot !== this.#slots.length) throw new RangeError(`append: expected slot ${this.#slots.length}, got ${s.slot}`);
    this.#slots.push(s);
    if (!this.#byMessage.has(s.messageId)) this.#byMessage.set(s.messageId, s.slot);
    this.#byAssignment.set(s.assignmentId, s.slot);
  }

  async appendAll(slots: readonly StoredSlot[]) {
    slots.forEach((s, i) => {
      if (s.slot !== this.#slots.length + i) throw new RangeError(`append: expected slot ${this.#slots.length + i}, got ${s.slot}`);
    });
    for (const s of slots) await this.append(s);
  }

  async get(slot: number) {
    return this.#slots[slot];
  }

  async slotOfMessage(id: string) {
    return this.#byMessage.get(id);
  }

  async slotOfAssignment(id: string) {
    return this.#byAssignment.get(id);
  }

  async firstSlotAfter(timestamp: number) {
    const i = this.#search(timestamp);
    return i < this.#slots.length ? i : undefined;
  }

  async lastSlotAtOrBefore(timestamp: number) {
    const i = this.#search(timestamp) - 1;
    return i >= 0 ? i : undefined;
  }

  // Index of the first slot with timestamp > t (timestamps strictly increase with slots).
  #search(t: number): number {
    let lo = 0;
    let hi = this.#slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#slots[mid].timestamp > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  async range({ from, to, limit, maxBytes }: RangeQuery) {
    const out: StoredSlot[] = [];
    let bytes = 0;
    for (let slot = Math.max(0, from); slot <= to && slot < this.#slots.length && out.length < limit; slot++) {
      const s = this.#slots[slot];
      bytes += slotBytes(s);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(s);
    }
    return out;
  }
}
