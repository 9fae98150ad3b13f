/**
 * Parses one ANS-104 data item (all integers little-endian). Every claimed length is checked
 * against what remains and against the D8 limits before it is used; errors name the field.
 */
import { idOfSignature } from "../crypto/ids.ts";
import { signatureType } from "../crypto/signature-types.ts";
import type { DataItem } from "./data-item.ts";
import { Ans104Error, need } from "./errors.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
import { decodeTagBlock } from "./tags.ts";

function u16(buf: Uint8Array, pos: number): number {
  return buf[pos] | (buf[pos + 1] << 8);
}

// u64 little-endian; anything at or above 2^32 is far beyond every limit, so it is refused outright.
function u64(buf: Uint8Array, pos: number, field: string): number {
  for (let i = 4; i < 8; i++) {
    if (buf[pos + i] !== 0) throw new Ans104Error("bad-field", field, "is larger than 2^32", pos);
  }
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

function optional32(buf: Uint8Array, pos: number, field: string): [Uint8Array | undefined, number] {
  need(buf, pos, 1, `${field} presence byte`);
  const flag = buf[pos];
  if (flag === 0) return [undefined, pos + 1];
  if (flag !== 1) throw new Ans104Error("bad-presence-byte", `${field} presence byte`, `must be 0 or 1, got ${flag}`, pos);
  need(buf, pos + 1, 32, field);
  return [buf.subarray(pos + 1, pos + 33), pos + 33];
}

/**
 * Parses a whole buffer as one data item (its data runs to the end of the buffer). `id`, when
 * the caller already has it (it hashed or stored these bytes itself), saves hashing the signature.
 */
export function parseItem(raw: Uint8Array, limits: Limits = DEFAULT_LIMITS, id?: string): DataItem {
  if (raw.length > limits.maxItemBytes) {
    throw new Ans104Error("too-large", "item", `${raw.length} bytes exceeds the limit of ${limits.maxItemBytes}`);
  }
  need(raw, 0, 2, "signature type");
  const type = u16(raw, 0);
  const spec = signatureType(type);
  if (!spec) throw new Ans104Error("unknown-signature-type", "signature type", `${type} is not an ANS-104 signature type`, 0);
  let pos = 2;
  need(raw, pos, spec.signatureLength, "signature");
  const signature = raw.subarray(pos, pos + spec.signatureLength);
  pos += spec.signatureLength;
  need(raw, pos, spec.ownerLength, "owner");
  const owner = raw.subarray(pos, pos + spec.ownerLength);
  pos += spec.ownerLength;
  const [target, afterTarget] = optional32(raw, pos, "target");
  const [anchor, afterAnchor] = optional32(raw, afterTarget, "anchor");
  pos = afterAnchor;
  need(raw, pos, 16, "tag header");
  const tagCount = u64(raw, pos, "tag count");
  const tagLength = u64(raw, pos + 8, "tag bytes length");
  if (tagCount > limits.maxTags) {
    throw new Ans104Error("too-many-tags", "tag count", `${tagCount} tags exceeds the limit of ${limits.maxTags}`, pos);
  }
  if (tagLength > limits.maxTagBytes) {
    throw new Ans104Error("tag-bytes-too-long", "tag bytes length", `${tagLength} bytes exceeds the limit of ${limits.maxTagBytes}`, pos + 8);
  }
  pos += 16;
  need(raw, pos, tagLength, "tags");
  const tagBytes = raw.subarray(pos, pos + tagLength);
  const { tags, canonical } = decodeTagBlock(tagBytes, tagCount, limits, pos);
  pos += tagLength;
  return {
    raw,
    signatureType: type,
    signature,
    owner,
    target,
    anchor,
    tagBytes,
    tags,
    canonicalTags: canonical,
    data: raw.subarray(pos),
    id: id ?? idOfSignature(signature),
  };
}
