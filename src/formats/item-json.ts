/**
 * One ANS-104 item as HyperBEAM-style JSON: tags as lowercase keys, plus `data`, `target`,
 * `anchor`, and an `ans104@1.0` commitment that holds everything needed to rebuild the exact bytes
 * (signature, owner, original tags, raw anchor). docs/json-format.md describes it.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { serializeItem } from "../ans104/serialize.ts";
import { encodeTags, type Tag } from "../ans104/tags.ts";
import { b64url, fromB64url } from "../crypto/base64url.ts";
import { utf8, utf8Strict } from "../crypto/bytes.ts";
import { BoundedCache } from "../crypto/bounded-cache.ts";
import { addressOf } from "../crypto/ids.ts";
import { signatureType } from "../crypto/signature-types.ts";

export interface Commitment {
  "commitment-device": "ans104@1.0";
  type: string;
  "signature-type": number;
  committer: string;
  keyid: string;
  signature: string;
  "original-tags": Tag[];
  /** base64url of the raw 32 anchor bytes, when there is an anchor. */
  anchor?: string;
  /** Present, as "base64url", when `data` is not UTF-8 and is given in base64url instead. */
  "data-encoding"?: "base64url";
  /** The raw tag block in base64url, only when it is not the canonical encoding of original-tags. */
  "tag-bytes"?: string;
}

export type ItemJson = Record<string, unknown> & { commitments: Record<string, Commitment> };

const RESERVED = new Set(["data", "target", "anchor", "commitments", "slot", "body"]);

const COMMITMENT_TYPES: Record<number, string> = { 1: "rsa-pss-sha256", 2: "ed25519", 3: "secp256k1" };

// Renderings name the same few signers over and over (the scheduler, busy clients): their addresses are kept.
const addresses = new BoundedCache<string>(1024);

export function itemToJson(item: DataItem): ItemJson {
  // No prototype: tags named "constructor" or "__proto__" are plain keys like any other.
  const json: Record<string, unknown> = Object.create(null);
  for (const t of item.tags) {
    const key = t.name.toLowerCase();
    if (!RESERVED.has(key) && !Object.hasOwn(json, key)) json[key] = t.value; // first wins; all are in original-tags
  }
  const text = utf8Strict(item.data);
  json.data = text ?? b64url(item.data);
  if (item.target) json.target = b64url(item.target);
  if (item.anchor) {
    const anchor = utf8Strict(item.anchor);
    if (anchor !== undefined) json.anchor = anchor;
  }
  const owner = b64url(item.owner);
  const commitment: Commitment = {
    "commitment-device": "ans104@1.0",
    type: COMMITMENT_TYPES[item.signatureType] ?? signatureType(item.signatureType)?.name ?? String(item.signatureType),
    "signature-type": item.signatureType,
    committer: addresses.get(owner, () => addressOf(item.owner)),
    keyid: `publickey:${owner}`,
    signature: b64url(item.signature),
    "original-tags": item.tags.map((t) => ({ name: t.name, value: t.value })),
  };
  if (item.anchor) commitment.anchor = b64url(item.anchor);
  if (text === undefined) commitment["data-encoding"] = "base64url";
  if (!item.canonicalTags) commitment["tag-bytes"] = b64url(item.tagBytes);
  json.commitments = { [item.id]: commitment };
  return json as ItemJson;
}

/** Rebuilds the exact item bytes from its JSON rendering (the inverse of itemToJson). */
export function itemFromJson(json: ItemJson): Uint8Array {
  const entries = Object.entries(json.commitments ?? {});
  if (entries.length !== 1) throw new TypeError(`expected exactly one commitment, got ${entries.length}`);
  const [, c] = entries[0];
  if (c["commitment-device"] !== "ans104@1.0") throw new TypeError(`unsupported commitment device ${c["commitment-device"]}`);
  const data = typeof json.data === "string" ? (c["data-encoding"] === "base64url" ? fromB64url(json.data) : utf8(json.data)) : new Uint8Array(0);
  const tags = c["original-tags"];
  return serializeItem({
    signatureType: c["signature-type"],
    signature: fromB64url(c.signature),
    owner: fromB64url(c.keyid.replace(/^publickey:/, "")),
    target: typeof json.target === "string" ? fromB64url(json.target) : undefined,
    anchor: c.anchor === undefined ? undefined : fromB64url(c.anchor),
    tagCount: tags.length,
    tagBytes: c["tag-bytes"] === undefined ? encodeTags(tags) : fromB64url(c["tag-bytes"]),
    data,
  });
}

