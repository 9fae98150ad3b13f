// The module for tests in Node, which compiles WebAssembly at run time (workerd does not: sha2-module.workerd.ts).
import { readFileSync } from "node:fs";

export default new WebAssembly.Module(readFileSync(new URL("../../src/crypto/sha2.wasm", import.meta.url)));
