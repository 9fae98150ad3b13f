// `npm start`: see local/start.ts. Installs dependencies first on a fresh clone.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureWebBuilt } from "./build-web.mjs";
import { ensureDeps } from "./ensure-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
ensureDeps(root);
await ensureWebBuilt(root);
const { runTs } = await import("./run-ts.mjs");
await runTs("local/start.ts");
