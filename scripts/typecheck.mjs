// `npm run typecheck`, and the first step of `npm test`: `tsc -b` over the root tsconfig.json,
// whose references are every project (the core, the worker, the local host, the dashboard,
// scripts, the test runtimes, the bench and its ceiling worker, the fuzzer): the one list an
// editor, `tsc -b` and CI all see. Run directly, it exits non-zero when any project fails.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Type-checks every project in `root`; true when all pass. */
export function typecheck(root, env = process.env) {
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const ok = spawnSync(tsc, ["-b"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] }).status === 0;
  if (!ok) console.error("[typecheck] failed: tsc -b (the errors above name their files)");
  return ok;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(typecheck(resolve(dirname(fileURLToPath(import.meta.url)), "..")) ? 0 : 1);
}
