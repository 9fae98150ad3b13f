/**
 * Byte-level damage to real signed items: bit flips, byte changes, impossible field values,
 * inserted and deleted bytes, truncation and extension. Each returns the new bytes and a
 * description precise enough to redo it by hand.
 */
import type { DataItem } from "../src/ans104/data-item.ts";
import { concat, equal } from "../src/crypto/bytes.ts";
import { fieldOffsets } from "./items.ts";
import type { Rng } from "./random.ts";

export interface Damaged {
  bytes: Uint8Array;
  what: string;
}

const SIGNATURE_TYPES = [0, 1, 3, 4, 5, 6, 7, 8, 42, 0x0102, 0xffff];
const PRESENCE = [0, 2, 0x7f, 0x80, 0xff];
const U64 = [0, 1, 127, 128, 129, 4096, 4097, 0xffffffff, 2 ** 32, 2 ** 53 - 1, "all ones"] as const;

function writeU64(out: Uint8Array, at: number, v: (typeof U64)[number]): void {
  for (let i = 0; i < 8; i++) out[at + i] = v === "all ones" ? 0xff : Math.floor(v / 2 ** (8 * i)) & 0xff;
}

/** A position, half the time inside the header and tag block, where the parser decides most. */
function position(rng: Rng, item: DataItem, length: number): number {
  const headerEnd = Math.min(length, fieldOffsets(item).data);
  return rng.chance(0.5) && headerEnd > 0 ? rng.int(headerEnd) : rng.int(length);
}

/** 1 to 6 mutations of `item`; never the item unchanged. */
export function mutate(rng: Rng, item: DataItem): Damaged {
  let bytes: Uint8Array = item.raw.slice();
  const notes: string[] = [];
  const offsets = fieldOffsets(item);
  for (let n = rng.range(1, 6); n > 0; n--) {
    const op = rng.weighted({ flip: 40, byte: 25, field: 25, splice: 10 });
    const at = position(rng, item, bytes.length);
    if (op === "flip") {
      const bit = rng.int(8);
      bytes[at] ^= 1 << bit;
      notes.push(`bit ${bit} of byte ${at} flipped`);
    } else if (op === "byte") {
      let v = rng.chance(0.5) ? rng.pick([0, 1, 0x7f, 0x80, 0xff]) : rng.int(256);
      if (v === bytes[at]) v ^= 0x55;
      notes.push(`byte ${at} 0x${bytes[at].toString(16)} -> 0x${v.toString(16)}`);
      bytes[at] = v;
    } else if (op === "field") {
      const field = rng.pick(["signature type", "target presence", "anchor presence", "tag count", "tag bytes length"] as const);
      const off = offsets[field];
      if (off + 8 > bytes.length) continue;
      if (field === "signature type") {
        const t = rng.pick(SIGNATURE_TYPES);
        bytes[off] = t & 0xff;
        bytes[off + 1] = t >> 8;
        notes.push(`signature type := ${t}`);
      } else if (field.endsWith("presence")) {
        const p = rng.pick(PRESENCE);
        bytes[off] = p;
        notes.push(`${field} byte := ${p}`);
      } else {
        const v = rng.pick(U64);
        writeU64(bytes, off, v);
        notes.push(`${field} := ${v}`);
      }
    } else {
      const k = rng.range(1, 16);
      if (rng.chance(0.5)) {
        bytes = concat(bytes.subarray(0, at), rng.bytes(k), bytes.subarray(at));
        notes.push(`${k} random bytes inserted at ${at}`);
      } else {
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + k));
        notes.push(`${k} bytes deleted at ${at}`);
      }
    }
  }
  if (equal(bytes, item.raw)) {
    bytes[2] ^= 1; // the edits cancelled out: damage the signature
    notes.push("bit 0 of byte 2 flipped");
  }
  return { bytes, what: notes.join("; ") };
}

/** The item cut short: at a field boundary (or one byte either side) or anywhere. */
export function truncate(rng: Rng, item: DataItem): Damaged {
  const len = item.raw.length;
  let at: number;
  if (rng.chance(0.5)) {
    at = Math.max(0, Math.min(len - 1, rng.pick(Object.values(fieldOffsets(item))) + rng.range(-1, 1)));
  } else {
    at = rng.int(len);
  }
  return { bytes: item.raw.slice(0, at), what: `cut to ${at} of ${len} bytes` };
}

/** The item with bytes after it: random, zeros, or a second copy of itself. */
export function extend(rng: Rng, item: DataItem): Damaged {
  const kind = rng.pick(["random", "zeros", "copy"] as const);
  const extra = kind === "copy" ? item.raw : kind === "zeros" ? new Uint8Array(rng.size(4096) + 1) : rng.bytes(rng.size(4096) + 1);
  return { bytes: concat(item.raw, extra), what: `${extra.length} ${kind === "copy" ? "bytes (a second copy of the item)" : `${kind} bytes`} appended to its ${item.raw.length}` };
}
