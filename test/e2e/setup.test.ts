/**
 * scripts/ensure-deps.mjs, which every npm script runs first: it installs only when node_modules
 * does not hold what package-lock.json pins, whatever the files' dates, and never runs npm ci
 * through a node_modules that is a link (npm ci would empty what it points to).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { ROOT } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "ao-setup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clone's root whose node_modules links to `shared`, holding npm's record of an install; its lock is newer than that record. */
function linkedClone(name: string, record: string): { root: string; shared: string } {
  const root = join(dir, name);
  const shared = join(dir, `${name}-shared`);
  mkdirSync(root);
  mkdirSync(shared);
  writeFileSync(join(shared, ".package-lock.json"), record);
  writeFileSync(join(shared, "kept.txt"), "what the link points to");
  copyFileSync(join(ROOT, "package-lock.json"), join(root, "package-lock.json"));
  utimesSync(join(shared, ".package-lock.json"), new Date(2020, 0, 1), new Date(2020, 0, 1));
  symlinkSync(shared, join(root, "node_modules"));
  return { root, shared };
}

const ensure = (root: string) =>
  spawnSync(process.execPath, ["--input-type=module", "-e", `import(${JSON.stringify(join(ROOT, "scripts", "ensure-deps.mjs"))}).then((m) => m.ensureDeps(${JSON.stringify(root)}))`], { encoding: "utf8", timeout: 60_000 });

test("a fresh clone whose node_modules links to an install of the same lock installs nothing, though its lock file is newer", () => {
  const { root, shared } = linkedClone("same", readFileSync(join(ROOT, "node_modules", ".package-lock.json"), "utf8"));
  const r = ensure(root);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).not.toContain("installing");
  expect(readdirSync(shared).sort()).toEqual([".package-lock.json", "kept.txt"]);
});

test("a node_modules link to an install of another lock is refused, naming the link, and what it points to is left as it was", () => {
  const { root, shared } = linkedClone("other", JSON.stringify({ packages: { "node_modules/hono": { version: "0.0.1" } } }));
  const r = ensure(root);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`[setup] node_modules links to ${shared}, which does not hold what package-lock.json pins`);
  expect(readdirSync(shared).sort()).toEqual([".package-lock.json", "kept.txt"]);
});
