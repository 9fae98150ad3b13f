// The module for tests in Node, which compiles WebAssembly at run time (workerd does not: sha384-module.workerd.ts).
import { readFileSync } from "node:fs";

export default new WebAssembly.Module(readFileSync(new URL("../../src/crypto/sha384.wasm", import.meta.url)));
