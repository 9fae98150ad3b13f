// `npm run typecheck`, and the first step of `npm test`: the worker's generated environment types
// (worker/worker-configuration.d.ts, from wrangler.toml) are current, then `tsc -b` over the root
// tsconfig.json, whose references are every project (the core, the worker, the local host, the
// dashboard, scripts, the test runtimes, the bench and its ceiling worker, the fuzzer): the one
// list an editor, `tsc -b` and CI all see. Run directly, it exits non-zero when any check fails.
// `npm run types` (--write-types) regenerates the environment types after wrangler.toml changes.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = ["types", "worker/worker-configuration.d.ts", "--include-runtime=false", "--strict-vars=false"];

/** Runs `wrangler types`: writes the worker's environment types, or (check) fails when they are stale. */
export function workerTypes(root, env = process.env, check = true) {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const r = spawnSync(wrangler, [...TYPES, ...(check ? ["--check"] : [])], {
    cwd: root,
    env: { ...env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_LOG: "error" },
    encoding: "utf8",
  });
  if (r.status !== 0) console.error(`[typecheck] worker/worker-configuration.d.ts is not current with wrangler.toml: run \`npm run types\`\n${r.stdout}${r.stderr}`);
  return r.status === 0;
}

/** Type-checks every project in `root`; true when all pass. */
export function typecheck(root, env = process.env) {
  const typesOk = workerTypes(root, env);
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const ok = spawnSync(tsc, ["-b"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] }).status === 0;
  if (!ok) console.error("[typecheck] failed: tsc -b (the errors above name their files)");
  return ok && typesOk;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  if (process.argv.includes("--write-types")) process.exit(workerTypes(root, process.env, false) ? 0 : 1);
  process.exit(typecheck(root) ? 0 : 1);
}
