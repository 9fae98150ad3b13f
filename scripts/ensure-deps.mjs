// Installs dependencies when node_modules does not hold what package-lock.json pins, so
// `npm start`, `npm test` and `npm run bench` work on a fresh clone with nothing installed.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/** Whether npm's record of what it installed (node_modules/.package-lock.json) has every package the lock pins, at its version. */
function installed(lock, marker) {
  try {
    const want = JSON.parse(readFileSync(lock, "utf8")).packages;
    const have = JSON.parse(readFileSync(marker, "utf8")).packages;
    for (const [path, p] of Object.entries(want)) {
      if (path === "") continue;
      const got = have[path];
      // Optional packages for other platforms are not installed, and need not be.
      if (got ? got.version !== p.version : !p.optional && !p.devOptional) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export function ensureDeps(root) {
  const modules = join(root, "node_modules");
  const marker = join(modules, ".package-lock.json");
  const lock = join(root, "package-lock.json");
  // A fresh clone's lock file is always newer than what is installed: the dates only spare reading both.
  if (existsSync(marker) && (statSync(marker).mtimeMs >= statSync(lock).mtimeMs || installed(lock, marker))) return;
  if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) {
    // npm ci empties node_modules first: through a link, that would empty what it points to.
    console.error(`[setup] node_modules links to ${realpathSync(modules)}, which does not hold what package-lock.json pins; run npm ci there, or remove the link`);
    process.exit(1);
  }
  console.log("[setup] installing dependencies (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    console.error("[setup] npm ci failed");
    process.exit(r.status ?? 1);
  }
}
