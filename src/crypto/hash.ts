/**
 * SHA-2 for the core. Small inputs hash synchronously with @noble/hashes (no promise per call,
 * which matters for deep hashes of many small blobs); large ones go to WebCrypto, which is native
 * in workerd, browsers and Node.
 */
import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js";

/** Inputs at least this long are hashed by WebCrypto when the runtime has it. */
const NATIVE_FROM = 16 * 1024;

export const sha256 = (bytes: Uint8Array): Uint8Array => nobleSha256(bytes);
export const sha384 = (bytes: Uint8Array): Uint8Array => nobleSha384(bytes);

export async function digest(alg: "SHA-256" | "SHA-384", bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length >= NATIVE_FROM && typeof crypto !== "undefined" && crypto.subtle) {
    return new Uint8Array(await crypto.subtle.digest(alg, bytes as Uint8Array<ArrayBuffer>));
  }
  return alg === "SHA-256" ? nobleSha256(bytes) : nobleSha384(bytes);
}
