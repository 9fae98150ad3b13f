/**
 * Arweave deep hash (SHA-384): blob b → H(H("blob" ‖ len) ‖ H(b)); list L → fold of
 * H(acc ‖ deepHash(e)) from H("list" ‖ len). Lengths are decimal ASCII.
 *
 * Signing and verifying hash every item's fields this way, twice per scheduled message, so the
 * item case is specialised: the fold over its first five fields ("dataitem", "1", the signature
 * type, the owner, the target) is kept per signer and target (clients and the scheduler reuse
 * keys, and a process's messages all name it), "blob<len>" headers are cached, and only a field
 * long enough to be worth a native digest (src/crypto/hash.ts) waits for one: everything else is
 * hashed synchronously.
 */
import { BytesCache } from "../crypto/recent-keys.ts";
import { utf8 } from "../crypto/bytes.ts";
import { digest, hashesNatively, sha384, sha384Of } from "../crypto/hash.ts";

export type DeepHashChunk = Uint8Array | readonly DeepHashChunk[];

const EMPTY = new Uint8Array(0);

const tagCache = new Map<string, Uint8Array>();
function tagged(kind: "blob" | "list", length: number): Uint8Array {
  const key = kind + length;
  let h = tagCache.get(key);
  if (!h) {
    h = sha384(utf8(key));
    if (tagCache.size < 4096) tagCache.set(key, h);
  }
  return h;
}

/** A blob's deep hash: at once when it is short, through the native digest when it is long. */
function blobHash(blob: Uint8Array): Uint8Array | Promise<Uint8Array> {
  if (!hashesNatively(blob.length)) return sha384Of(tagged("blob", blob.length), sha384(blob));
  return digest("SHA-384", blob).then((h) => sha384Of(tagged("blob", blob.length), h));
}

/** The general deep hash, of any blob or nested list. */
export async function deepHash(chunk: DeepHashChunk): Promise<Uint8Array> {
  if (ArrayBuffer.isView(chunk)) return blobHash(chunk as Uint8Array);
  const list = chunk as readonly DeepHashChunk[];
  let acc = tagged("list", list.length);
  for (const child of list) acc = sha384Of(acc, await deepHash(child));
  return acc;
}

// ## The item case: deepHash(["dataitem", "1", type, owner, target, anchor, tagBytes, data])

const prefixes = new Map<number, Uint8Array>();
function prefix(signatureType: number): Uint8Array {
  let acc = prefixes.get(signatureType);
  if (!acc) {
    acc = tagged("list", 8);
    for (const blob of [utf8("dataitem"), utf8("1"), utf8(String(signatureType))]) acc = sha384Of(acc, sha384Of(tagged("blob", blob.length), sha384(blob)));
    prefixes.set(signatureType, acc);
  }
  return acc;
}

const emptyHash = blobHash(EMPTY) as Uint8Array;
const fieldHash = (blob: Uint8Array | undefined) => (blob === undefined || blob.length === 0 ? emptyHash : blobHash(blob));

// The fold up to the owner and the target, per signature type, owner and target.
const heads = new BytesCache<Uint8Array | Promise<Uint8Array>>(1024);
function head(signatureType: number, owner: Uint8Array, target: Uint8Array | undefined): Uint8Array | Promise<Uint8Array> {
  return heads.get(signatureType, owner, target, () => {
    const o = blobHash(owner);
    const t = fieldHash(target);
    const fold = (oh: Uint8Array, th: Uint8Array) => sha384Of(sha384Of(prefix(signatureType), oh), th);
    return o instanceof Promise || t instanceof Promise ? Promise.all([o, t]).then(([oh, th]) => fold(oh, th)) : fold(o, t);
  });
}

/** The deep hash an ANS-104 item's signature covers; equal to deepHash of its 8-field list. */
export async function itemDeepHash(f: {
  signatureType: number;
  owner: Uint8Array;
  target?: Uint8Array | undefined;
  anchor?: Uint8Array | undefined;
  tagBytes: Uint8Array;
  data: Uint8Array;
}): Promise<Uint8Array> {
  const parts = [head(f.signatureType, f.owner, f.target), fieldHash(f.anchor), fieldHash(f.tagBytes), fieldHash(f.data)];
  // Native digests of long fields run side by side; short ones are already done.
  const [acc, ...rest] = parts.some((h) => h instanceof Promise) ? await Promise.all(parts) : (parts as Uint8Array[]);
  return rest.reduce(sha384Of, acc);
}
