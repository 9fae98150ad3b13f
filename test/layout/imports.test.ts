/**
 * The import graph of the code that ships (src/, worker/, web/, local/): no cycles, type imports
 * included, and the layers of D19 (docs/architecture.md): the core imports nothing outside itself,
 * Durable Objects import neither routing nor HTTP code, and nothing imports the HTTP layer but
 * the worker's entry and the HTTP layer itself (and the write path's metrics).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FOLDERS = ["src", "worker", "web/src", "local"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

// Static imports and re-exports (type-only ones too), and dynamic import("…") of relative paths.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|(?:^|\n)\s*import\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Each file's relative imports, as paths from the checkout's root. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of FOLDERS.flatMap((f) => sources(join(root, f)))) {
    const text = readFileSync(file, "utf8");
    const deps = [...text.matchAll(SPECIFIER)].map((m) => relative(root, resolve(dirname(file), m[1] ?? m[2] ?? m[3])));
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const graph = importGraph();
const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => [from, to] as const));
const crossing = (from: RegExp, to: RegExp) => edges.filter(([a, b]) => from.test(a) && to.test(b)).map(([a, b]) => `${a} → ${b}`);

describe("import graph", () => {
  test("covers the shipped folders (the scan finds their files and imports)", () => {
    for (const folder of FOLDERS) expect([...graph.keys()].filter((f) => f.startsWith(folder + "/")).length, folder).toBeGreaterThan(3);
    expect(edges.length).toBeGreaterThan(100);
  });

  test("the cycle finder reports a cycle when there is one", () => {
    const found = cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]));
    expect(found).toEqual([["a", "b", "c"]]);
  });

  test("has no import cycle in src/, worker/, web/src/ or local/", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the core (src/) imports nothing outside src/", () => {
    expect(crossing(/^src\//, /^(?!src\/)/)).toEqual([]);
  });

  test("Durable Objects (worker/objects/) import neither routing nor HTTP code", () => {
    expect(crossing(/^worker\/objects\//, /^worker\/(routing|http)\//)).toEqual([]);
  });

  test("only the HTTP layer and the worker's entry import HTTP code (routing counts assignments through http/metrics.ts alone)", () => {
    const outside = crossing(/^worker\/(?!http\/|index\.ts)/, /^worker\/http\//).filter((e) => !e.endsWith("→ worker/http/metrics.ts"));
    expect(outside).toEqual([]);
  });
});
