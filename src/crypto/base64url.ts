/** Unpadded base64url, strict on decode: the alphabet of RFC 4648 §5, no padding, no whitespace. */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

type NativeBase64 = { toBase64?: (this: Uint8Array, o: { alphabet: "base64url"; omitPadding: boolean }) => string };
// Uint8Array.prototype.toBase64 (workerd, recent browsers; not Node 20): one native call instead of a string built a character at a time.
const native = (Uint8Array.prototype as NativeBase64).toBase64;
const OPTIONS = { alphabet: "base64url", omitPadding: true } as const;

export function b64url(bytes: Uint8Array): string {
  return native ? native.call(bytes, OPTIONS) : b64urlJs(bytes);
}

/** The same encoding in JavaScript, for runtimes without toBase64. */
export function b64urlJs(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Decodes unpadded base64url; accepts standard `+/` and trailing `=` only when `lenient`. */
export function fromB64url(text: string, lenient = false): Uint8Array {
  if (lenient) text = text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  if (text.length % 4 === 1) throw new TypeError(`invalid base64url length ${text.length}`);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c] : -1;
    if (v < 0) throw new TypeError(`invalid base64url character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or two strings would decode to the same bytes.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new TypeError("invalid base64url: non-zero trailing bits");
  return out;
}
