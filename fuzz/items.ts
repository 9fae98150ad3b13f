/**
 * Signed ANS-104 items for the fuzzer, signed by the core with fixed keys and anchors derived from
 * the seed, so every item (and every mutation of one) is the same bytes on every run of a seed
 * against a scheduler with the same address.
 */
import type { DataItem } from "../src/ans104/data-item.ts";
import { DEFAULT_LIMITS } from "../src/ans104/limits.ts";
import { signItem } from "../src/ans104/sign.ts";
import { encodeTags, type Tag } from "../src/ans104/tags.ts";
import { b64url, fromB64url } from "../src/crypto/base64url.ts";
import { utf8 } from "../src/crypto/bytes.ts";
import { sha256 } from "../src/crypto/hash.ts";
import { ed25519Signer, type Signer } from "../src/crypto/signers.ts";
import { processTags } from "../test/support/items.ts";

/** The client's fixed Ed25519 seed, and the scheduler's when the fuzzer starts the server. */
export const CLIENT_SEED = new Uint8Array(32).fill(0xf7);
export const SCHEDULER_KEY_HEX = "f5".repeat(32);

const ED25519_HEADER = 2 + 64 + 32;

export class Items {
  readonly #signer: Signer;
  readonly #seed: number;
  readonly #scheduler: string;
  readonly #cache = new Map<string, Promise<DataItem>>();

  private constructor(signer: Signer, seed: number, scheduler: string) {
    this.#signer = signer;
    this.#seed = seed;
    this.#scheduler = scheduler;
  }

  /** The client's address: the owner of every item it signs. */
  get clientAddress(): string {
    return this.#signer.address;
  }

  static async create(seed: number, scheduler: string): Promise<Items> {
    return new Items(await ed25519Signer(CLIENT_SEED), seed, scheduler);
  }

  /** 32 ASCII bytes, different for every label and seed. */
  #anchor(label: string): Uint8Array {
    return utf8(b64url(sha256(utf8(`fuzz ${this.#seed} ${label}`))).slice(0, 32));
  }

  #sign(label: string, make: () => { target?: string; tags: Tag[]; data: Uint8Array }): Promise<DataItem> {
    let item = this.#cache.get(label);
    if (!item) {
      const { target, tags, data } = make();
      item = signItem(this.#signer, { target: target ? fromB64url(target) : undefined, anchor: this.#anchor(label), tags, data });
      this.#cache.set(label, item);
    }
    return item;
  }

  /** A process this scheduler accepts; `name` tells processes apart. */
  process(name: string): Promise<DataItem> {
    return this.#sign(`process ${name}`, () => ({ tags: processTags(this.#scheduler, [{ name: "Name", value: `fuzz-${name}` }]), data: utf8(`-- fuzz ${name}`) }));
  }

  /** A process naming another scheduler than this one, so a hint given with it decides where it goes. */
  foreignProcess(name: string): Promise<DataItem> {
    const elsewhere = b64url(sha256(utf8(`fuzz elsewhere ${name}`)));
    return this.#sign(`foreign process ${name}`, () => ({ tags: processTags(elsewhere, [{ name: "Name", value: `fuzz-${name}` }]), data: utf8(`-- fuzz ${name}`) }));
  }

  /** The client's scheduler-location record pointing at `url`; without a Timestamp, it lasts its Time-To-Live from receipt. */
  location(url: string): Promise<DataItem> {
    const tags: Tag[] = [
      { name: "Data-Protocol", value: "ao" },
      { name: "Variant", value: "ao.N.1" },
      { name: "Type", value: "Scheduler-Location" },
      { name: "Url", value: url },
      { name: "Nonce", value: "1" },
      { name: "Time-To-Live", value: "3600000" },
    ];
    return this.#sign(`location ${url}`, () => ({ tags, data: new Uint8Array(0) }));
  }

  /** A message to `pid`, legal on both surfaces; `extra` tags and `data` size it. */
  message(pid: string, label: string, extra: Tag[] = [], data: Uint8Array = utf8(`Send({ Target = ao.id, Data = "${label}" })`)): Promise<DataItem> {
    return this.#sign(`message ${pid} ${label}`, () => ({ target: pid, tags: [...MESSAGE_TAGS, ...extra], data }));
  }
}

const MESSAGE_TAGS: Tag[] = [
  { name: "Data-Protocol", value: "ao" },
  { name: "Variant", value: "ao.TN.1" },
  { name: "Type", value: "Message" },
];

/** One of the D8 limits, crossed by exactly one (or, `over` false, met exactly). */
export interface LimitCase {
  limit: string;
  over: boolean;
  /** What the item is, e.g. "129 tags (limit 128)". */
  what: string;
  /** What shows this limit, not something else, refused the item: the error text, or (the body, which a front may refuse) the status. */
  error: RegExp | number;
  build(items: Items, pid: string): Promise<DataItem>;
}

const L = DEFAULT_LIMITS;
const tagBlockBytes = (tags: Tag[]) => encodeTags([...MESSAGE_TAGS, ...tags]).length;

/** Two padding tags sized so that the message's tag block is exactly `bytes` long. */
function paddedTo(bytes: number): Tag[] {
  const first = { name: "Pad-1", value: "p".repeat(L.maxTagValueBytes - 100) };
  for (let n = 0; n <= L.maxTagValueBytes; n++) {
    const tags = [first, { name: "Pad-2", value: "q".repeat(n) }];
    if (tagBlockBytes(tags) === bytes) return tags;
  }
  throw new Error(`no padding gives a tag block of ${bytes} bytes`);
}

function manyTags(count: number): Tag[] {
  return Array.from({ length: count - MESSAGE_TAGS.length }, (_, i) => ({ name: `T${i}`, value: "v" }));
}

/** An item of exactly `size` bytes: a message whose data fills the rest. */
async function sized(items: Items, pid: string, size: number, label: string): Promise<DataItem> {
  const overhead = ED25519_HEADER + 33 + 33 + 16 + tagBlockBytes([]);
  const item = await items.message(pid, label, [], new Uint8Array(size - overhead).fill(0x2e));
  if (item.raw.length !== size) throw new Error(`sized item is ${item.raw.length} bytes, wanted ${size}`);
  return item;
}

function limitPair(limit: string, error: RegExp | number, what: (n: number) => string, at: number, make: (n: number) => Tag[] | number): LimitCase[] {
  return [at, at + 1].map((n) => ({
    limit,
    over: n > at,
    what: `${what(n)} (limit ${at})`,
    error,
    async build(items: Items, pid: string) {
      const made = make(n);
      const label = `limit ${limit} ${n}`;
      const item = typeof made === "number" ? await sized(items, pid, made, label) : await items.message(pid, label, made);
      return item;
    },
  }));
}

/** Each D8 limit met exactly and crossed by one; the items are validly signed, so only the limit can refuse them. */
export const LIMIT_CASES: readonly LimitCase[] = [
  ...limitPair("body", 413, (n) => `an item of ${n} bytes`, L.maxItemBytes, (n) => n),
  ...limitPair("tag count", /tags exceeds the limit of 128/, (n) => `${n} tags`, L.maxTags, (n) => manyTags(n)),
  ...limitPair("tag bytes", /tag bytes length: \d+ bytes exceeds the limit of 4096/, (n) => `a tag block of ${n} bytes`, L.maxTagBytes, (n) => paddedTo(n)),
  ...limitPair("tag name", /tag name: \d+ bytes exceeds the limit of 1024/, (n) => `a tag name of ${n} bytes`, L.maxTagNameBytes, (n) => [{ name: "N".repeat(n), value: "v" }]),
  ...limitPair("tag value", /tag value: \d+ bytes exceeds the limit of 3072/, (n) => `a tag value of ${n} bytes`, L.maxTagValueBytes, (n) => [{ name: "V", value: "v".repeat(n) }]),
];

/** Byte offsets of an item's fixed-layout fields (Ed25519 items only, as all of ours are). */
export function fieldOffsets(item: DataItem): Record<string, number> {
  const targetPresence = ED25519_HEADER;
  const anchorPresence = targetPresence + (item.target ? 33 : 1);
  const tagCount = anchorPresence + (item.anchor ? 33 : 1);
  return {
    "signature type": 0,
    signature: 2,
    owner: 66,
    "target presence": targetPresence,
    "anchor presence": anchorPresence,
    "tag count": tagCount,
    "tag bytes length": tagCount + 8,
    tags: tagCount + 16,
    data: tagCount + 16 + item.tagBytes.length,
  };
}
