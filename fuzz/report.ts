/** What the run saw: per-class counts, statuses and latencies, the failures and the warnings. */
import { describeOutcome, type Outcome } from "./http.ts";

/**
 * Fails the run: a 5xx, no answer or close within the deadline, the server gone, other clients
 * delayed, a schedule changed, a request reaching the internal services (destinations.ts).
 */
export type FailureKind = "5xx" | "hang" | "exit" | "delayed" | "schedule" | "reached" | "policy";

export interface Finding {
  kind: FailureKind | "warning";
  /** `#123` for HTTP case 123, `raw:name` for a raw-socket case. */
  id: string;
  route: string;
  input: string;
  detail: string;
  /** The case's class, for grouping like failures. */
  cls?: string;
}

interface ClassStats {
  sent: number;
  statuses: Map<string, number>;
  ms: number[];
}

export const statusLabel = (o: Outcome | undefined): string =>
  !o ? "closed by fuzzer" : o.kind === "response" ? (o.status ? String(o.status) : "unparseable") : o.kind;

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export class Report {
  readonly findings: Finding[] = [];
  readonly #classes = new Map<string, ClassStats>();
  readonly #probeMs: number[] = [];
  scheduleNote = "schedule not checked";
  /** Requests the internal services saw (destinations.ts), set at the end of the run. */
  reachedRequests = 0;

  #stats(cls: string): ClassStats {
    let s = this.#classes.get(cls);
    if (!s) this.#classes.set(cls, (s = { sent: 0, statuses: new Map(), ms: [] }));
    return s;
  }

  /** Counts one request of `cls`; `ms` is its latency when it had an answer or a close to wait for. */
  count(cls: string, o: Outcome | undefined): void {
    const s = this.#stats(cls);
    s.sent++;
    const label = statusLabel(o);
    s.statuses.set(label, (s.statuses.get(label) ?? 0) + 1);
    if (o && o.kind !== "refused") s.ms.push(o.ms);
  }

  probe(ms: number): void {
    this.#probeMs.push(ms);
  }

  add(f: Finding): void {
    this.findings.push(f);
  }

  /** Drops what was recorded for `id` (a case replayed after the server went down mid-batch). */
  forget(id: string): void {
    for (let i = this.findings.length - 1; i >= 0; i--) if (this.findings[i].id === id) this.findings.splice(i, 1);
  }

  count5xx = () => this.#of("5xx");
  hangs = () => this.#of("hang");
  exits = () => this.#of("exit");
  delays = () => this.#of("delayed");
  scheduleChanged = () => this.#of("schedule") > 0;
  policyBreaches = () => this.#of("policy");
  failed = () => this.findings.some((f) => f.kind !== "warning");
  #of = (kind: Finding["kind"]) => this.findings.filter((f) => f.kind === kind).length;

  /** Judges one outcome against the failure rules, adding findings. */
  judge(cls: string, id: string, route: string, input: string, o: Outcome | undefined, expect: "refuse" | "accept" | "any", error?: RegExp | number): void {
    const add = (kind: Finding["kind"], detail: string) => this.add({ kind, id, route, input, detail, cls });
    if (!o) return;
    if (o.kind === "timeout") return add("hang", describeOutcome(o));
    if (o.kind !== "response") return;
    const text = new TextDecoder().decode(o.body.subarray(0, 2000));
    if (o.status >= 500) return add("5xx", describeOutcome(o) + (o.status === 501 || o.status === 505 ? " (RFC 9110 suggests 501/505 for an unknown method/version; this suite, like D9, counts every 5xx)" : ""));
    if (o.status === 0) return add("warning", `an answer that is not HTTP: ${describeOutcome(o)}`);
    if (expect === "refuse" && o.status < 400) add("warning", `bad input accepted: ${describeOutcome(o)}`);
    if (expect === "accept" && (o.status < 200 || o.status >= 300)) add("warning", `input at the limit refused: ${describeOutcome(o)}`);
    const limitShows = typeof error === "number" ? o.status === error : error?.test(text);
    if (error !== undefined && o.status >= 400 && !limitShows) add("warning", `refused, but not for the limit (expected ${error}): ${describeOutcome(o)}`);
  }

  summary(): string {
    const rows: string[][] = [["class", "sent", "p99 ms", "max ms", "statuses"]];
    const all: number[] = [];
    let sent = 0;
    for (const [cls, s] of [...this.#classes].sort(([a], [b]) => a.localeCompare(b))) {
      sent += s.sent;
      all.push(...s.ms);
      const statuses = [...s.statuses].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`).join(" ");
      rows.push([cls, String(s.sent), String(percentile(s.ms, 99)), String(Math.max(0, ...s.ms)), statuses]);
    }
    rows.push(["total", String(sent), String(percentile(all, 99)), String(Math.max(0, ...all)), ""]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const table = rows.map((r) => r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd());
    const warnings = this.#of("warning");
    return [
      ...table,
      "",
      `probes (other clients, 2 s deadline): ${this.#probeMs.length}, max ${Math.max(0, ...this.#probeMs)} ms`,
      `5xx: ${this.count5xx()}   hangs: ${this.hangs()}   exits: ${this.exits()}   delayed: ${this.delays()}   reached the internal services: ${this.reachedRequests}   policy breaches: ${this.policyBreaches()}   warnings: ${warnings}`,
      this.scheduleNote,
    ].join("\n");
  }

  /** Every failure (and then every warning), one per line, with what reproduces it. */
  details(reproduce: (id: string) => string, maxWarnings = 40): string {
    const line = (f: Finding) => `  [${f.kind}] ${f.id} ${f.route} | ${f.input} | ${f.detail}${f.id.startsWith("#") || f.id.startsWith("raw:") || f.id.startsWith("policy:") ? ` | reproduce: ${reproduce(f.id)}` : ""}`;
    const failures = this.findings.filter((f) => f.kind !== "warning");
    const warnings = this.findings.filter((f) => f.kind === "warning");
    const out: string[] = [];
    if (failures.length) {
      out.push(`FAILURE CLASSES (like failures of a class of cases, with one example each):`);
      for (const [key, group] of groupBy(failures, (f) => `${f.kind} ${f.cls ?? ""}: ${headline(f.detail)}`)) {
        const ids = group.map((f) => f.id);
        out.push(`  ${key} ×${group.length} (${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", …" : ""})`, `    e.g.${line(group[0]).slice(1)}`);
      }
      out.push("", `FAILURES (${failures.length}):`, ...failures.map(line));
    }
    if (warnings.length) {
      out.push(`warnings (${warnings.length}; not failures):`, ...warnings.slice(0, maxWarnings).map(line));
      if (warnings.length > maxWarnings) out.push(`  … and ${warnings.length - maxWarnings} more`);
    }
    return out.join("\n");
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  return groups;
}

/** A finding's detail without what varies from case to case (times, log paths, ids). */
const headline = (detail: string): string =>
  detail
    .replace(/ \(server log:.*$/, "")
    .replace(/; the case's own outcome.*$/, "")
    .replace(/ (in|after|within) \d+ ms/g, "")
    .replace(/[A-Za-z0-9_-]{43}/g, "<id>")
    .slice(0, 120);
