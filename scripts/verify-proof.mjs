// `npm run verify-proof -- FILE`: see scripts/verify-proof.ts. Installs dependencies first on a fresh clone.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps(resolve(dirname(fileURLToPath(import.meta.url)), ".."));
const { runTs } = await import("./run-ts.mjs");
await runTs("scripts/verify-proof.ts");
