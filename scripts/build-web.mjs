// Builds the dashboard (vite.config.ts: web/ → dist-web/dashboard/) when it is missing or older
// than its sources, so `npm start`, `npm test` and the worker's static assets always have it.
// Builds into a private directory and renames it into place: a second start never sees half a build.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SOURCES = ["web", "src", "vite.config.ts", "package-lock.json"];

// tsc -b writes its .tsbuildinfo beside each tsconfig (src/, web/): not a source. Counted (with
// its folder's mtime), every type check made the build look stale, and the nodes a test run
// starts side by side all rebuilt at once, racing to put their build in place. Folders count by
// their files only (a file deleted alone is one nothing imports any more).
function newest(path) {
  if (!existsSync(path) || path.endsWith(".tsbuildinfo")) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), 0);
}

export async function ensureWebBuilt(root) {
  const out = join(root, "dist-web");
  const stamp = join(out, ".built");
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...SOURCES.map((s) => newest(join(root, s))))) return;
  console.log("[setup] building the dashboard (vite build)…");
  const { build } = await import("vite");
  const tmp = join(root, `dist-web.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await build({ root: join(root, "web"), configFile: join(root, "vite.config.ts"), build: { outDir: join(tmp, "dashboard") } });
  writeFileSync(join(tmp, ".built"), new Date().toISOString());
  rmSync(out, { recursive: true, force: true });
  try {
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true }); // another start renamed its build in first
    if (!existsSync(stamp)) throw err;
  }
}
