/** The bench's results: one row per measure, printed as a table and written as JSON. */
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

export interface Row {
  case: string;
  measure: string;
  value: number | null;
  unit: string;
  /** value ÷ the ceiling measured the same way in this run. */
  ratio?: number;
  p50?: number;
  p99?: number;
  runs: number;
  /** (max − min) ÷ median over the runs. */
  spread?: number;
  /** Each run's value, in the order run (in the JSON only). */
  perRun?: number[];
  note?: string;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? "" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

export function table(rows: readonly Row[]): string {
  const head = ["case", "measure", "value", "unit", "×ceiling", "p50 ms", "p99 ms", "runs", "spread"];
  const body = rows.map((r) => [
    r.case,
    r.measure,
    r.value === null ? "n/a" : fmt(r.value, r.value < 10 ? 2 : 0),
    r.unit,
    fmt(r.ratio, 2),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    String(r.runs),
    r.spread === undefined ? "" : `${fmt(r.spread * 100, 0)}%`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.case} ${r.measure}: ${r.note}`);
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line), ...(notes.length ? ["", "notes:", ...notes] : [])].join("\n");
}

function version(root: string, pkg: string): string {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

export function environment(root: string, settings: Record<string, unknown>) {
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {}
  return {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, arch: os.arch() },
    versions: { node: process.version, wrangler: version(root, "wrangler"), workerd: version(root, "workerd"), hono: version(root, "hono"), project: commit },
    settings,
  };
}

export function write(root: string, result: object): string {
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const text = JSON.stringify(result, null, 2) + "\n";
  writeFileSync(file, text);
  writeFileSync(join(dir, "latest.json"), text);
  return file;
}
