/**
 * Tag blocks: Avro `array<record {name: bytes, value: bytes}>` with zig-zag varints. Decoding
 * accepts the multi-block form (negative counts with a byte size); encoding writes one block.
 * Names and values must be UTF-8 (the legacy SU's rule), so tags surface as strings.
 */
import { utf8, utf8Strict } from "../crypto/bytes.ts";
import { Ans104Error, need } from "./errors.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";

export interface Tag {
  name: string;
  value: string;
}

// Where decoding has read to: readLong and readText move it, so no field allocates a tuple
// (decoding runs for every tag of every item checked).
let at = 0;

// Reads one zig-zag varint long at `at`; numbers stay exact up to 2^53.
function readLong(buf: Uint8Array): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    need(buf, at, 1, "tags");
    const b = buf[at++];
    result += (b & 0x7f) * scale;
    if (!(b & 0x80)) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    scale *= 128;
  }
  throw new Ans104Error("bad-tag-encoding", "tags", "varint longer than 8 bytes", at);
}

// Writes a zig-zag varint at `pos` (or only measures it when `out` is undefined); returns the new position.
function writeLong(out: Uint8Array | undefined, pos: number, n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    if (out) out[pos] = (z % 128) | 0x80;
    pos++;
    z = Math.floor(z / 128);
  }
  if (out) out[pos] = z;
  return pos + 1;
}

// Whether the varint at from..to is written the way writeLong writes `value` (its shortest form).
const shortest = (value: number, from: number, to: number) => to - from === writeLong(undefined, 0, value);

// Whether the last length readText read was in its shortest form.
let shortLength = true;

/** Reads a length-prefixed UTF-8 field at `at`. */
function readText(buf: Uint8Array, field: "name" | "value", max: number, base: number): string {
  const from = at;
  const len = readLong(buf);
  if (len < 0) throw new Ans104Error("bad-tag-encoding", `tag ${field}`, `negative length ${len}`, base + from);
  if (len > max) {
    const code = field === "name" ? "tag-name-too-long" : "tag-value-too-long";
    throw new Ans104Error(code, `tag ${field}`, `${len} bytes exceeds the limit of ${max}`, base + from);
  }
  shortLength = shortest(len, from, at);
  need(buf, at, len, `tag ${field}`);
  const text = utf8Strict(buf.subarray(at, at + len));
  if (text === undefined) throw new Ans104Error("non-utf8-tag", `tag ${field}`, "is not valid UTF-8", base + at);
  at += len;
  return text;
}

/**
 * Decodes a tag block. `expected` is the count from the item header; `base` is the block's offset
 * in the item, so errors point into the item.
 */
export function decodeTags(buf: Uint8Array, expected: number, limits: Limits = DEFAULT_LIMITS, base = 0): Tag[] {
  return decodeTagBlock(buf, expected, limits, base).tags;
}

/**
 * Like decodeTags, and says whether the block is canonical: exactly what encodeTags writes for
 * its tags (one block, shortest varints), so the tags alone reproduce its bytes.
 */
export function decodeTagBlock(buf: Uint8Array, expected: number, limits: Limits = DEFAULT_LIMITS, base = 0): { tags: Tag[]; canonical: boolean } {
  const tags: Tag[] = [];
  if (buf.length === 0) {
    if (expected !== 0) throw new Ans104Error("tag-count-mismatch", "tags", `header says ${expected} tags, block is empty`, base);
    return { tags, canonical: true };
  }
  let longForm = false; // a varint not in its shortest form: then the block is not canonical
  let blocks = 0;
  at = 0;
  for (;;) {
    const from = at;
    let count = readLong(buf);
    if (!shortest(count, from, at)) longForm = true;
    if (count === 0) break;
    blocks++;
    if (count < 0) {
      count = -count;
      blocks++; // the sized form is never what we write
      readLong(buf); // block byte size, not needed to decode
    }
    if (tags.length + count > expected) {
      throw new Ans104Error("tag-count-mismatch", "tags", `block holds more tags than the header's ${expected}`, base + at);
    }
    for (let i = 0; i < count; i++) {
      const name = readText(buf, "name", limits.maxTagNameBytes, base);
      if (!shortLength) longForm = true;
      const value = readText(buf, "value", limits.maxTagValueBytes, base);
      if (!shortLength) longForm = true;
      tags.push({ name, value });
    }
  }
  if (at !== buf.length) {
    throw new Ans104Error("bad-tag-encoding", "tags", `${buf.length - at} bytes after the end of the tag block`, base + at);
  }
  if (tags.length !== expected) {
    throw new Ans104Error("tag-count-mismatch", "tags", `header says ${expected} tags, block holds ${tags.length}`, base);
  }
  return { tags, canonical: blocks === 1 && !longForm };
}

// ASCII needs no encoder call; tags are nearly always ASCII, and this runs for every assignment.
function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return utf8(text);
    out[i] = c;
  }
  return out;
}

/** Encodes tags as one Avro block; no tags encode as zero bytes (what arbundles writes). */
export function encodeTags(tags: readonly Tag[]): Uint8Array {
  if (tags.length === 0) return new Uint8Array(0);
  const fields: Uint8Array[] = [];
  for (const { name, value } of tags) fields.push(bytesOf(name), bytesOf(value));
  let size = writeLong(undefined, 0, tags.length) + 1;
  for (const f of fields) size = writeLong(undefined, size, f.length) + f.length;
  const block = new Uint8Array(size);
  let pos = writeLong(block, 0, tags.length);
  for (const f of fields) {
    pos = writeLong(block, pos, f.length);
    block.set(f, pos);
    pos += f.length;
  }
  block[pos] = 0; // end of blocks
  return block;
}

/** First value of a tag by exact name. */
export function tagValue(tags: readonly Tag[], name: string): string | undefined {
  for (const t of tags) if (t.name === name) return t.value;
  return undefined;
}

/** First value of a tag whose name matches any of `names`, ignoring ASCII case. */
export function tagValueAnyCase(tags: readonly Tag[], ...names: string[]): string | undefined {
  const wanted = names.map((n) => n.toLowerCase());
  for (const w of wanted) for (const t of tags) if (t.name.toLowerCase() === w) return t.value;
  return undefined;
}
