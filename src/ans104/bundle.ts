/**
 * ANS-104 bundles (Bundle-Format binary, Bundle-Version 2.0.0): a 32-byte little-endian item
 * count, a 64-byte header per item (32-byte LE size, 32-byte id), then the items back to back.
 */
import { b64url, fromB64url } from "../crypto/base64url.ts";
import type { DataItem } from "./data-item.ts";
import { Ans104Error, need } from "./errors.ts";
import { NO_LIMITS, type Limits } from "./limits.ts";
import { parseItem } from "./parse.ts";

// A 256-bit little-endian integer that must fit in 32 bits.
function u256(buf: Uint8Array, pos: number, field: string): number {
  for (let i = 4; i < 32; i++) {
    if (buf[pos + i] !== 0) throw new Ans104Error("bad-bundle", field, "is larger than 2^32", pos);
  }
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

function writeU32(out: Uint8Array, pos: number, n: number): void {
  out[pos] = n & 0xff;
  out[pos + 1] = (n >>> 8) & 0xff;
  out[pos + 2] = (n >>> 16) & 0xff;
  out[pos + 3] = (n >>> 24) & 0xff;
}

/**
 * Reads every item of a bundle; each header id must match its item, and no bytes may be left.
 * `trustIds`: take each item's id from its header, unhashed, for a reader that checks every id
 * itself later (a mirror's check workers hash each signature again).
 */
export function readBundle(bytes: Uint8Array, limits: Readonly<Limits> = NO_LIMITS, trustIds = false): DataItem[] {
  need(bytes, 0, 32, "bundle item count");
  const count = u256(bytes, 0, "bundle item count");
  need(bytes, 32, count * 64, "bundle headers");
  const items: DataItem[] = [];
  let pos = 32 + count * 64;
  for (let i = 0; i < count; i++) {
    const h = 32 + i * 64;
    const size = u256(bytes, h, `bundle item ${i} size`);
    need(bytes, pos, size, `bundle item ${i}`);
    const id = b64url(bytes.subarray(h + 32, h + 64));
    const item = parseItem(bytes.subarray(pos, pos + size), limits, trustIds ? id : undefined);
    if (id !== item.id) throw new Ans104Error("bad-bundle", `bundle item ${i} id`, `header says ${id}, item is ${item.id}`, h + 32);
    items.push(item);
    pos += size;
  }
  if (pos !== bytes.length) throw new Ans104Error("bad-bundle", "bundle", `${bytes.length - pos} bytes after the last item`, pos);
  return items;
}

/** Writes items (raw bytes with their ids) as one bundle. */
export function writeBundle(items: readonly { id: string; raw: Uint8Array }[]): Uint8Array {
  let size = 32 + items.length * 64;
  for (const it of items) size += it.raw.length;
  const out = new Uint8Array(size);
  writeU32(out, 0, items.length);
  let pos = 32 + items.length * 64;
  items.forEach((it, i) => {
    const h = 32 + i * 64;
    writeU32(out, h, it.raw.length);
    out.set(fromB64url(it.id), h + 32);
    out.set(it.raw, pos);
    pos += it.raw.length;
  });
  return out;
}
