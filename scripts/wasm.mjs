// `npm run wasm`: assembles src/crypto/sha2.wat into sha2.wasm, the binary the worker and the
// dashboard load (test/layout/wasm.test.ts checks that the committed binary is the text's).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
ensureDeps(root);
const { assemble } = await import("./wat.mjs");
const source = resolve(root, "src/crypto/sha2.wat");
const binary = await assemble(readFileSync(source, "utf8"), source);
writeFileSync(source.replace(/\.wat$/, ".wasm"), binary);
console.log(`src/crypto/sha2.wasm: ${binary.length} bytes`);
