/**
 * The last few keys a cache was asked for, compared as bytes: a schedule's items repeat a few
 * keys (its scheduler's, its clients'), and comparing 32 bytes costs less than encoding them as
 * text for the cache's map. A key is a number (a signature type, or 0) and one or two byte
 * strings. A promise is not remembered here: the cache behind forgets one that rejects.
 */
import { equal } from "./bytes.ts";

interface Entry<V> {
  kind: number;
  first: Uint8Array;
  second: Uint8Array | undefined;
  value: V;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => (a === undefined || b === undefined ? (a?.length ?? 0) === (b?.length ?? 0) : equal(a, b));

export class RecentKeys<V> {
  readonly #entries: Entry<V>[] = [];
  #next = 0;

  constructor(readonly size: number) {}

  get(kind: number, first: Uint8Array, second: Uint8Array | undefined, make: () => V): V {
    for (const e of this.#entries) if (e.kind === kind && equal(e.first, first) && same(e.second, second)) return e.value;
    const value = make();
    if (value instanceof Promise) return value;
    // Copies (a Node Buffer's slice would be a view): the caller's bytes may be reused.
    this.#entries[this.#next] = { kind, first: new Uint8Array(first), second: second && new Uint8Array(second), value };
    this.#next = (this.#next + 1) % this.size;
    return value;
  }
}
