import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

test("no file that .gitignore names is committed (wrangler.deploy.toml is rewritten by every deploy)", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tracked = execFileSync("git", ["ls-files", "--cached", "--ignored", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  expect(tracked.split("\n").filter(Boolean)).toEqual([]);
});

test("the operator files docs/deploy.md writes beside the code (scheduler-key.txt, deploy.env) are git-ignored, so a git add -A does not commit the node's identity", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const ignored = execFileSync("git", ["check-ignore", "--no-index", "scheduler-key.txt", "deploy.env"], { cwd: root, encoding: "utf8" });
  expect(ignored.split("\n").filter(Boolean)).toEqual(["scheduler-key.txt", "deploy.env"]);
});

test("docs/deploy.md's deploy.env, sourced as it says (set -a; . ./deploy.env), sets every setting it lists", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const doc = readFileSync(join(root, "docs", "deploy.md"), "utf8");
  const block = /```sh\n(# deploy\.env[\s\S]*?)```/.exec(doc)?.[1];
  expect(block).toBeDefined();
  const names = [...block!.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
  expect(names.length).toBeGreaterThan(5);
  const dir = mkdtempSync(join(tmpdir(), "ao-deploy-env-"));
  try {
    writeFileSync(join(dir, "deploy.env"), block!);
    const printed = execFileSync("bash", ["-c", `set -a; . ./deploy.env; set +a; for n in ${names.join(" ")}; do echo "$n=\${!n-unset}"; done`], { cwd: dir, encoding: "utf8" });
    expect(printed.split("\n").filter((l) => l.endsWith("=unset"))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
