// `npm test`: type-check every tsconfig, run every vitest project, and end with the line CI reads:
// "N passed, N failed" (a failed type check counts as one failed test).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureWebBuilt } from "./build-web.mjs";
import { ensureDeps } from "./ensure-deps.mjs";
import { typecheck } from "./typecheck.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
ensureDeps(root);
await ensureWebBuilt(root); // the worker serves it, and the browser tests open it
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] }).status;
const bin = (name) => join(root, "node_modules", ".bin", name);

const typeFailures = typecheck(root, env) ? 0 : 1;

const report = join(root, "vitest.json");
rmSync(report, { force: true });
const extra = process.argv.slice(2);
run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra]);

let passed = 0;
let failed = typeFailures;
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that fails to load, or whose beforeAll fails (its tests then read as skipped), has no
  // failed test; count it, or a broken suite would read as green.
  failed += r.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")).length;
} catch {
  console.error("[test] vitest wrote no report");
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
