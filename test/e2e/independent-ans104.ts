/**
 * ANS-104, read and checked independently of src/, from the spec's rules (legacy-su.md §3): the
 * byte layout, the deep hash the signature covers, bundles, ids, and signature checks with
 * node:crypto. Tests that must not check the project against itself use these.
 */
import { Buffer } from "node:buffer";
import { constants, createHash, createPublicKey, verify as cryptoVerify, type JsonWebKey } from "node:crypto";

export interface RawItem {
  signatureType: number;
  signature: Uint8Array;
  owner: Uint8Array;
  target?: Uint8Array;
  anchor?: Uint8Array;
  tagBytes: Uint8Array;
  tags: { name: string; value: string }[];
  data: Uint8Array;
  /** base64url(sha256(signature)). */
  id: string;
  /** The item's bytes. */
  raw: Uint8Array;
}

const LENGTHS: Record<number, [signature: number, owner: number]> = { 1: [512, 512], 2: [64, 32] };

export const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
export const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Avro's zig-zag varint. */
function varint(bytes: Uint8Array, at: { pos: number }): number {
  let n = 0n;
  let shift = 0n;
  for (;;) {
    const b = bytes[at.pos++];
    if (b === undefined) throw new Error("tags: varint runs past the block");
    n |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
  }
  return Number((n >> 1n) ^ -(n & 1n));
}

/** The tag block: Avro array<record{name: bytes, value: bytes}> (single or multi-block form). */
function decodeTags(bytes: Uint8Array): { name: string; value: string }[] {
  if (bytes.length === 0) return [];
  const at = { pos: 0 };
  const tags: { name: string; value: string }[] = [];
  const text = () => {
    const n = varint(bytes, at);
    const s = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at.pos, at.pos + n));
    at.pos += n;
    return s;
  };
  for (;;) {
    let count = varint(bytes, at);
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      varint(bytes, at); // the block's byte size
    }
    for (let i = 0; i < count; i++) tags.push({ name: text(), value: text() });
  }
  return tags;
}

export function parseRawItem(raw: Uint8Array): RawItem {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const signatureType = buf.readUInt16LE(0);
  const lengths = LENGTHS[signatureType];
  if (!lengths) throw new Error(`signature type ${signatureType} is not read here`);
  const [sigLength, ownerLength] = lengths;
  const signature = raw.subarray(2, 2 + sigLength);
  const owner = raw.subarray(2 + sigLength, 2 + sigLength + ownerLength);
  let at = 2 + sigLength + ownerLength;
  const optional = (): Uint8Array | undefined => {
    const present = raw[at++];
    if (present === 0) return undefined;
    if (present !== 1) throw new Error(`bad presence byte ${present} at ${at - 1}`);
    at += 32;
    return raw.subarray(at - 32, at);
  };
  const target = optional();
  const anchor = optional();
  const tagCount = Number(buf.readBigUInt64LE(at));
  const tagLength = Number(buf.readBigUInt64LE(at + 8));
  at += 16;
  const tagBytes = raw.subarray(at, at + tagLength);
  const tags = decodeTags(tagBytes);
  if (tags.length !== tagCount) throw new Error(`header says ${tagCount} tags, block holds ${tags.length}`);
  return { signatureType, signature, owner, target, anchor, tagBytes, tags, data: raw.subarray(at + tagLength), id: b64u(sha256(signature)), raw };
}

/** An ANS-104 bundle: 32-byte LE count, then per item 32-byte LE size and 32-byte id, then the items. */
export function readRawBundle(bytes: Uint8Array): RawItem[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Number(buf.readBigUInt64LE(0));
  let at = 32 + 64 * count;
  return Array.from({ length: count }, (_, i) => {
    const size = Number(buf.readBigUInt64LE(32 + 64 * i));
    const item = parseRawItem(bytes.subarray(at, at + size));
    if (item.id !== b64u(bytes.subarray(32 + 64 * i + 32, 32 + 64 * i + 64))) throw new Error(`bundle entry ${i}: header id is not the item's`);
    at += size;
    return item;
  });
}

const sha384 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha384");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
type Chunk = Uint8Array | Chunk[];
function deepHash(chunk: Chunk): Uint8Array {
  if (chunk instanceof Uint8Array) return sha384(sha384(utf8("blob"), utf8(String(chunk.length))), sha384(chunk));
  let acc = sha384(utf8("list"), utf8(String(chunk.length)));
  for (const c of chunk) acc = sha384(acc, deepHash(c));
  return acc;
}
const EMPTY = new Uint8Array(0);
/** What an item's signature covers: the deep hash of its fields. */
export const signatureData = (i: RawItem): Uint8Array =>
  deepHash([utf8("dataitem"), utf8("1"), utf8(String(i.signatureType)), i.owner, i.target ?? EMPTY, i.anchor ?? EMPTY, i.tagBytes, i.data]);

/** The PSS salt lengths, of those tried, under which an RSA (type 1) item's signature verifies. */
export function rsaSaltsThatVerify(item: RawItem, salts: readonly number[] = [32, 0, 478]): number[] {
  const key = createPublicKey({ key: { kty: "RSA", n: b64u(item.owner), e: "AQAB" } as JsonWebKey, format: "jwk" });
  const message = signatureData(item);
  return salts.filter((saltLength) => cryptoVerify("sha256", message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, item.signature));
}

/** The legacy hash chain (legacy-su.md §2.3): slot 0 = sha256(raw(pid)), slot n = sha256(raw(assignment n-1) ‖ raw(chain n-1)). */
export const chainLink = (previous: { id: string; chain: string } | undefined, pid: string): string =>
  b64u(previous ? sha256(Buffer.from(previous.id, "base64url"), Buffer.from(previous.chain, "base64url")) : sha256(Buffer.from(pid, "base64url")));

export const tagOf = (item: { readonly tags: readonly { name: string; value: string }[] }, name: string): string | undefined => item.tags.find((t) => t.name === name)?.value;
