/**
 * SHA-2 for the core, with the backend each host runs fastest: inputs below a threshold hash
 * synchronously with @noble/hashes, longer ones with WebCrypto. A WebCrypto digest is
 * asynchronous and costs a fixed few microseconds per call in workerd, far more in Node and
 * browsers; JavaScript costs about 3.5 µs per SHA-384 block on this project's machines (measured
 * in workerd, docs/performance.md). The default threshold suits Node and browsers; the worker
 * lowers it at start (hashNativelyFrom).
 */
import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js";

/** Inputs at least this long are hashed by WebCrypto when the runtime has it (the default suits Node and browsers). */
const NATIVE_FROM = 16 * 1024;
let nativeFrom = NATIVE_FROM;

/** Hash inputs of `bytes` or more with WebCrypto (the default again when undefined). */
export function hashNativelyFrom(bytes: number | undefined): void {
  nativeFrom = bytes ?? NATIVE_FROM;
}

/** Whether an input of `length` bytes is hashed natively (asynchronously). */
export const hashesNatively = (length: number): boolean => length >= nativeFrom && typeof crypto !== "undefined" && crypto.subtle !== undefined;

export const sha256 = (bytes: Uint8Array): Uint8Array => nobleSha256(bytes);
export const sha384 = (bytes: Uint8Array): Uint8Array => nobleSha384(bytes);

/** SHA-384 of two parts, without copying them together. */
export const sha384Of = (a: Uint8Array, b: Uint8Array): Uint8Array => nobleSha384.create().update(a).update(b).digest();

export async function digest(alg: "SHA-256" | "SHA-384", bytes: Uint8Array): Promise<Uint8Array> {
  if (hashesNatively(bytes.length)) return new Uint8Array(await crypto.subtle.digest(alg, bytes as Uint8Array<ArrayBuffer>));
  return alg === "SHA-256" ? nobleSha256(bytes) : nobleSha384(bytes);
}
