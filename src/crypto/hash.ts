/**
 * SHA-2 for the core, with the backend each host runs fastest. By default small inputs hash
 * synchronously with @noble/hashes (in Node and browsers a WebCrypto call costs more than the
 * hash) and large ones with WebCrypto. A host where WebCrypto is cheap and JS is not (workerd)
 * calls preferNativeHashing() once at start.
 */
import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js";

/** Inputs at least this long are hashed by WebCrypto when the runtime has it. */
const NATIVE_FROM = 16 * 1024;
let nativeFrom = NATIVE_FROM;

/** Hash every input with WebCrypto (or go back to the default with `false`). */
export function preferNativeHashing(on = true): void {
  nativeFrom = on ? 0 : NATIVE_FROM;
}

export const sha256 = (bytes: Uint8Array): Uint8Array => nobleSha256(bytes);
export const sha384 = (bytes: Uint8Array): Uint8Array => nobleSha384(bytes);

export async function digest(alg: "SHA-256" | "SHA-384", bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length >= nativeFrom && typeof crypto !== "undefined" && crypto.subtle) {
    return new Uint8Array(await crypto.subtle.digest(alg, bytes as Uint8Array<ArrayBuffer>));
  }
  return alg === "SHA-256" ? nobleSha256(bytes) : nobleSha384(bytes);
}

/** SHA-384 of two parts, without copying them together when hashing in JS. */
export async function digest384(a: Uint8Array, b: Uint8Array): Promise<Uint8Array> {
  if (nativeFrom === 0 && typeof crypto !== "undefined" && crypto.subtle) {
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    return new Uint8Array(await crypto.subtle.digest("SHA-384", both));
  }
  return nobleSha384.create().update(a).update(b).digest();
}
