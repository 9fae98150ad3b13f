/**
 * Has this worker hash SHA-2 in WebAssembly (src/crypto/sha2.wat): deep hashes and ids are most of
 * a slot's check after its two signatures. The bundler inlines the small module; a browser that
 * refuses to compile it keeps @noble/hashes, only slower.
 */
import initSha2 from "../../src/crypto/sha2.wasm?init";
import { hashWith } from "../../src/crypto/hash.ts";
import { sha2Wasm } from "../../src/crypto/sha2-wasm.ts";

export const wasmHashing: Promise<void> = initSha2().then(
  (instance) => hashWith(sha2Wasm(instance)),
  (err) => console.warn(`SHA-2 stays in JavaScript: ${(err as Error)?.message ?? err}`),
);
