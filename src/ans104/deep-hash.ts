/**
 * Arweave deep hash (SHA-384): blob b → H(H("blob" ‖ len) ‖ H(b)); list L → fold of
 * H(acc ‖ deepHash(e)) from H("list" ‖ len). Lengths are decimal ASCII.
 *
 * Signing and verifying hash every item's fields this way, twice per scheduled message, so the
 * item case is specialised: the fold over its first three fields ("dataitem", "1", the signature
 * type) is a constant per type, an owner's hash is cached (clients and the scheduler reuse keys),
 * and "blob<len>" headers are cached.
 */
import { b64url } from "../crypto/base64url.ts";
import { BoundedCache } from "../crypto/bounded-cache.ts";
import { utf8 } from "../crypto/bytes.ts";
import { digest, digest384, sha384 } from "../crypto/hash.ts";

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

async function blobHash(blob: Uint8Array): Promise<Uint8Array> {
  return digest384(tagged("blob", blob.length), await digest("SHA-384", blob));
}

/** The general deep hash, of any blob or nested list. */
export async function deepHash(chunk: DeepHashChunk): Promise<Uint8Array> {
  if (ArrayBuffer.isView(chunk)) return blobHash(chunk as Uint8Array);
  const list = chunk as readonly DeepHashChunk[];
  let acc = tagged("list", list.length);
  for (const child of list) acc = await digest384(acc, await deepHash(child));
  return acc;
}

// ## The item case: deepHash(["dataitem", "1", type, owner, target, anchor, tagBytes, data])

const prefixes = new Map<number, Promise<Uint8Array>>();
function prefix(signatureType: number): Promise<Uint8Array> {
  let acc = prefixes.get(signatureType);
  if (!acc) {
    acc = deepHashPrefix([utf8("dataitem"), utf8("1"), utf8(String(signatureType))]);
    prefixes.set(signatureType, acc);
  }
  return acc;
}

async function deepHashPrefix(blobs: Uint8Array[]): Promise<Uint8Array> {
  let acc = tagged("list", 8);
  for (const blob of blobs) acc = await digest384(acc, await blobHash(blob));
  return acc;
}

const ownerHashes = new BoundedCache<Promise<Uint8Array>>(1024);
const ownerHash = (owner: Uint8Array): Promise<Uint8Array> => ownerHashes.get(b64url(owner), () => blobHash(owner));

let emptyBlob: Promise<Uint8Array> | undefined;
const blobOrEmpty = (blob: Uint8Array) => (blob.length === 0 ? (emptyBlob ??= blobHash(EMPTY)) : blobHash(blob));

/** The deep hash an ANS-104 item's signature covers; equal to deepHash of its 8-field list. */
export async function itemDeepHash(f: {
  signatureType: number;
  owner: Uint8Array;
  target?: Uint8Array | undefined;
  anchor?: Uint8Array | undefined;
  tagBytes: Uint8Array;
  data: Uint8Array;
}): Promise<Uint8Array> {
  // The five field hashes do not depend on each other: start them together.
  const [owner, target, anchor, tags, data] = await Promise.all([ownerHash(f.owner), blobOrEmpty(f.target ?? EMPTY), blobOrEmpty(f.anchor ?? EMPTY), blobOrEmpty(f.tagBytes), blobOrEmpty(f.data)]);
  let acc = await prefix(f.signatureType);
  for (const h of [owner, target, anchor, tags, data]) acc = await digest384(acc, h);
  return acc;
}
