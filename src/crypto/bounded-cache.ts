/**
 * A string-keyed cache that forgets its oldest entry past `max`: for per-key work worth keeping
 * between requests (imported keys, owner hashes), bounded so a flood of new keys cannot grow it.
 */
export class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  clear(): void {
    this.#map.clear();
  }

  peek(key: string): V | undefined {
    return this.#map.get(key);
  }

  set(key: string, value: V): void {
    if (!this.#map.has(key) && this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(key, value);
  }

  /** The cached value for `key`, made (and kept) on a miss. A rejected promise is not kept. */
  get(key: string, make: () => V): V {
    let value = this.#map.get(key);
    if (value === undefined) {
      if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
      value = make();
      this.#map.set(key, value);
      if (value instanceof Promise) value.catch(() => this.#map.delete(key));
    }
    return value;
  }
}
