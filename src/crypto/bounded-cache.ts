/**
 * A string-keyed cache of at most `max` entries: for per-key work worth keeping between requests
 * (imported keys, owner hashes, recent ids), bounded so a flood of new keys cannot grow it.
 *
 * It keeps two generations of max/2 each. New keys go into the young one; when that is full it
 * becomes the old one and the old one is dropped, so the oldest half is forgotten at once. A key
 * read from the old generation moves back to the young one. Why not forget one key at a time,
 * the first of a Map's keys: V8's iterator then skips every key deleted from the front until the
 * table is rebuilt, up to 16 µs a write at 20,000 entries (measured in Node), paid on every post.
 */
export class BoundedCache<V> {
  #young = new Map<string, V>();
  #old = new Map<string, V>();
  readonly #half: number;

  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }

  peek(key: string): V | undefined {
    const value = this.#young.get(key);
    return value !== undefined ? value : this.#revive(key);
  }

  set(key: string, value: V): void {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return;
    }
    this.#old.delete(key);
    this.#add(key, value);
  }

  /** The cached value for `key`, made (and kept) on a miss. A rejected promise is not kept. */
  get(key: string, make: () => V): V {
    let value = this.peek(key);
    if (value === undefined) {
      const made = make();
      this.#add(key, made); // in neither generation: peek just looked
      if (made instanceof Promise) made.catch(() => this.#forget(key, made));
      value = made;
    }
    return value;
  }

  #revive(key: string): V | undefined {
    const value = this.#old.get(key);
    if (value !== undefined) {
      this.#old.delete(key);
      this.#add(key, value);
    }
    return value;
  }

  /** Adds a key held by neither generation; a full young generation first becomes the old one. */
  #add(key: string, value: V): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  #forget(key: string, value: V): void {
    if (this.#young.get(key) === value) this.#young.delete(key);
    if (this.#old.get(key) === value) this.#old.delete(key);
  }
}
