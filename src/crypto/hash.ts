/**
 * SHA-2 for the core, with the backend each host runs fastest: inputs below a threshold hash
 * synchronously, longer ones with WebCrypto. A WebCrypto digest is asynchronous and costs a fixed
 * few microseconds per call in workerd, far more in Node and browsers. Synchronous SHA-2 is
 * @noble/hashes (about 3.5 µs a SHA-384 block: JavaScript emulates its 64-bit words) unless the
 * host hands in the WebAssembly one (hashWith; under 1 µs a block). The default threshold suits
 * Node and browsers; the worker changes it at start (hashNativelyFrom).
 */
import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js";
import type { Sha2 } from "./sha2-wasm.ts";

/** Inputs at least this long are hashed by WebCrypto when the runtime has it (the default suits Node and browsers). */
const NATIVE_FROM = 16 * 1024;
let nativeFrom = NATIVE_FROM;

/** Hash inputs of `bytes` or more with WebCrypto (the default again when undefined). */
export function hashNativelyFrom(bytes: number | undefined): void {
  nativeFrom = bytes ?? NATIVE_FROM;
}

/** Whether an input of `length` bytes is hashed natively (asynchronously). */
export const hashesNatively = (length: number): boolean => length >= nativeFrom && typeof crypto !== "undefined" && crypto.subtle !== undefined;

const noble: Sha2 = {
  sha256: (bytes) => nobleSha256(bytes),
  sha384: (bytes) => nobleSha384(bytes),
  sha384Of: (a, b) => nobleSha384.create().update(a).update(b).digest(),
};
let synchronous = noble;

/** Hash synchronously with `impl` (src/crypto/sha2-wasm.ts), or with @noble/hashes again when undefined. */
export function hashWith(impl: Sha2 | undefined): void {
  synchronous = impl ?? noble;
}

export const sha256 = (bytes: Uint8Array): Uint8Array => synchronous.sha256(bytes);
export const sha384 = (bytes: Uint8Array): Uint8Array => synchronous.sha384(bytes);

/** SHA-384 of two parts, as one input. */
export const sha384Of = (a: Uint8Array, b: Uint8Array): Uint8Array => synchronous.sha384Of(a, b);

export async function digest(alg: "SHA-256" | "SHA-384", bytes: Uint8Array): Promise<Uint8Array> {
  if (hashesNatively(bytes.length)) return new Uint8Array(await crypto.subtle.digest(alg, bytes as Uint8Array<ArrayBuffer>));
  return alg === "SHA-256" ? synchronous.sha256(bytes) : synchronous.sha384(bytes);
}
