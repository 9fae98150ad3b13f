/**
 * Caches keyed by bytes (public keys, targets): BytesCache, a BoundedCache with RecentKeys in
 * front, the last few keys it was asked for compared as bytes. A schedule's items repeat a few
 * keys (its scheduler's, its clients'), and comparing 32 bytes costs less than encoding them as
 * text for the map. A key is a number (a signature type, or 0) and one or two byte strings. A
 * promise is not remembered in front: the BoundedCache forgets one that rejects.
 */
import { b64url } from "./base64url.ts";
import { BoundedCache } from "./bounded-cache.ts";
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

/** A BoundedCache of at most `max` entries keyed by bytes as RecentKeys keys them, the last few compared as bytes before any key is encoded. */
export class BytesCache<V> {
  readonly #recent = new RecentKeys<V>(4);
  readonly #all: BoundedCache<V>;

  constructor(max: number) {
    this.#all = new BoundedCache<V>(max);
  }

  get(kind: number, first: Uint8Array, second: Uint8Array | undefined, make: () => V): V {
    return this.#recent.get(kind, first, second, () => this.#all.get(`${kind}:${b64url(first)}:${second?.length ? b64url(second) : ""}`, make));
  }
}
