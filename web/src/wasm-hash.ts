/**
 * Has this worker hash SHA-384 in WebAssembly (src/crypto/sha384.wat): deep hashes are most of a
 * slot's check after its two signatures. The bundler inlines the small module; a browser that
 * refuses to compile it keeps @noble/hashes, only slower.
 */
import initSha384 from "../../src/crypto/sha384.wasm?init";
import { hashWith } from "../../src/crypto/hash.ts";
import { sha384Wasm } from "../../src/crypto/sha384-wasm.ts";

export const wasmHashing: Promise<void> = initSha384().then(
  (instance) => hashWith(sha384Wasm(instance)),
  (err) => console.warn(`SHA-384 stays in JavaScript: ${(err as Error)?.message ?? err}`),
);
