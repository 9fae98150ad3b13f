// `npm run typecheck`, and the first step of `npm test`: `tsc -p` over every tsconfig, the one list
// of them both use. Run directly, it exits non-zero when any project fails.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Every tsconfig in the repository: the core, the worker, the local host, the dashboard, scripts, the test runtimes, the bench and its ceiling worker. */
export const PROJECTS = ["src", "worker", "local", "web", "scripts", "test", "test/tsconfig.node.json", "test/web", "bench", "bench/ceiling", "fuzz"];

/** Type-checks every project in `root`; returns the projects that failed. */
export function typecheck(root, env = process.env) {
  const tsc = join(root, "node_modules", ".bin", "tsc");
  return PROJECTS.filter((project) => {
    const ok = spawnSync(tsc, ["-p", project], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] }).status === 0;
    if (!ok) console.error(`[typecheck] failed: tsc -p ${project}`);
    return !ok;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const failed = typecheck(resolve(dirname(fileURLToPath(import.meta.url)), ".."));
  process.exit(failed.length > 0 ? 1 : 0);
}
