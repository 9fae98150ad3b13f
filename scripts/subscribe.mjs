// `npm run subscribe`: see scripts/subscribe.ts. Installs dependencies first on a fresh clone.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure-deps.mjs";

ensureDeps(resolve(dirname(fileURLToPath(import.meta.url)), ".."));
const { runTs } = await import("./run-ts.mjs");
await runTs("scripts/subscribe.ts");
