declare module "vectors:*" {
  /** The vector file's bytes, base64-encoded. */
  const base64: string;
  export default base64;
}

declare module "#sha2-module" {
  /** src/crypto/sha2.wasm compiled, the way the runtime under test allows (vitest.config.ts). */
  const module: WebAssembly.Module;
  export default module;
}
