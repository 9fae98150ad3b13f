/** Byte helpers the core owns instead of pulling in a dependency (no Node Buffer here). */

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text, so decoding and re-encoding is lossless.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/**
 * How many bytes utf8(text) writes, without writing them (a lone surrogate becomes U+FFFD, 3
 * bytes, as TextEncoder makes it): limits are checked on every assignment, and an encoder call
 * per tag cost more than the loop.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c < 0xdc00 && c >= 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for its 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function utf8Strict(bytes: Uint8Array): string | undefined {
  // Short ASCII (tag names and values, ids) is built here: a decoder call costs more than the loop.
  if (bytes.length <= 64) {
    let ascii = true;
    for (let i = 0; i < bytes.length && ascii; i++) ascii = bytes[i] < 0x80;
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes UTF-8, turning invalid sequences into U+FFFD (the legacy SU's rendering of data). */
export const utf8Lossy = (bytes: Uint8Array): string => lossyDecoder.decode(bytes);

export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b >> 4] + HEX[b & 15];
  return out;
}

/** Parses even-length hex (either case); throws TypeError naming the problem. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TypeError(`expected hex of even length, got ${text.length} characters`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Asserts a Uint8Array (cross-realm safe) of an optional exact length, naming the parameter. */
export function abytes(value: unknown, length: number | undefined, title: string): Uint8Array {
  const ok =
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor?.name === "Uint8Array");
  if (!ok) throw new TypeError(`${title}: expected Uint8Array, got ${typeof value}`);
  const bytes = value as Uint8Array;
  if (length !== undefined && bytes.length !== length) {
    throw new RangeError(`${title}: expected Uint8Array of length ${length}, got length=${bytes.length}`);
  }
  return bytes;
}

/** Random bytes from the platform CSPRNG (read lazily: no global touched at import). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}
