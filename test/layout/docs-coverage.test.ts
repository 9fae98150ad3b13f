/**
 * What the docs promise has a test that says so in its title: every variable of README's
 * configuration table, every row of both tables in docs/bad-input.md, and every check and option
 * of docs/remote.md. A title here is a string literal in a test file (a test's name, or a row
 * label a table-driven test turns into one); docs/testing.md says where each is checked.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith(".test.ts") && name !== "docs-coverage.test.ts" ? [path] : [];
  });
}

/** Every string literal of every test file, backticks' `${…}` parts left as they are. */
const titles: string[] = testFiles(join(root, "test")).flatMap((file) => [...readFileSync(file, "utf8").matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => (m[1] ?? m[2] ?? m[3]).replace(/\\(.)/g, "$1")));

/** The first column of the markdown table that follows `heading` (or the first table when none), code marks dropped. */
function firstColumn(markdown: string, heading?: string): string[] {
  const from = heading ? markdown.indexOf(heading) : 0;
  expect(from, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(from).split("\n");
  const start = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|")[1].trim().replaceAll("`", ""));
  }
  return rows;
}

const named = (text: string) => titles.some((t) => t.includes(text));

describe("every documented promise is named by a test title", () => {
  test("every variable of README's configuration table", () => {
    const variables = firstColumn(read("README.md"), "## Configuration");
    expect(variables).toHaveLength(25);
    expect(variables.filter((v) => !named(v))).toEqual([]);
  });

  test("every row of docs/bad-input.md (both tables)", () => {
    const doc = read("docs/bad-input.md");
    const rows = [...firstColumn(doc, "| Class"), ...firstColumn(doc, "## Legacy SU surface")];
    expect(rows).toHaveLength(53);
    expect(rows.filter((r) => !named(r))).toEqual([]);
  });

  test("every check of docs/remote.md's verification table, and every option", () => {
    const doc = read("docs/remote.md");
    const checks = firstColumn(doc, "## What is verified").map((c) => `check: ${c}`);
    expect(checks).toHaveLength(10);
    const options = firstColumn(doc, "## Options");
    expect(options).toHaveLength(10);
    expect([...checks, ...options].filter((r) => !named(r))).toEqual([]);
  });
});
