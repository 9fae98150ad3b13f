import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

test("no file that .gitignore names is committed (wrangler.deploy.toml is rewritten by every deploy)", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const tracked = execFileSync("git", ["ls-files", "--cached", "--ignored", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  expect(tracked.split("\n").filter(Boolean)).toEqual([]);
});
