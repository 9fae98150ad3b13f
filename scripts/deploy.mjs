// `npm run deploy`: see local/deploy.ts. Installs dependencies and builds the dashboard first (it is deployed with the Worker).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureWebBuilt } from "./build-web.mjs";
import { ensureDeps } from "./ensure-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
ensureDeps(root);
// Asked only for the usage: no need to build first.
if (!process.argv.slice(2).some((a) => a === "--help" || a === "-h")) await ensureWebBuilt(root);
const { runTs } = await import("./run-ts.mjs");
await runTs("local/deploy.ts");
