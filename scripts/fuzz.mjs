// `npm run fuzz`: see fuzz/run.ts. Installs dependencies first on a fresh clone.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
ensureDeps(root);
const { runTs } = await import("./run-ts.mjs");
await runTs("fuzz/run.ts");
