/**
 * Prometheus metrics for `GET /metrics`: requests by route and status, their latency, errors,
 * and assignments made. Counters live in the isolate (they restart from zero with it), which is
 * how Prometheus expects counters to behave. The latency histogram reuses the legacy SU's name.
 * Deployed, an isolate is one of many: the node-wide counts (the process objects' and the
 * remote-schedule caches', kept by the NodeObject) are what an operator can follow there.
 */
import type { Context } from "hono";
import type { AppEnv, Env } from "../env.ts";
import { matchedRoutes } from "hono/route";
import type { NodeCounts } from "../objects/counters.ts";

const BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

const requests = new Map<string, number>();
const latency = new Map<string, { counts: number[]; sum: number; count: number }>();
const assignments = new Map<string, number>();
let forks = 0;
let writeCalls = 0;
let writesCalled = 0;

const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

/** The route that answered: the first matched route that is not middleware. */
function routeOf(c: Context): string {
  return matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
}

/** Whether each request gets its log line: LOG_LEVEL info (the default) or debug. */
const logsRequests = (env: Env) => env.LOG_LEVEL === undefined || env.LOG_LEVEL === "" || env.LOG_LEVEL === "info" || env.LOG_LEVEL === "debug";

/**
 * Counts an answered request and its latency (`started`: Date.now() when it arrived); logs it as
 * one JSON line (what `wrangler tail` shows deployed) unless LOG_LEVEL is warn or quieter, and
 * writes it to Workers Analytics Engine when an ANALYTICS dataset is bound.
 */
export function measured(c: Context<AppEnv>, started: number): void {
  const route = routeOf(c);
  const status = c.res.status;
  bump(requests, `method="${c.req.method}",route="${route}",status="${status}"`);
  const h = latency.get(route) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  const ms = Date.now() - started;
  BUCKETS.forEach((b, i) => ms <= b && h.counts[i]++);
  h.sum += ms;
  h.count++;
  latency.set(route, h);
  if (logsRequests(c.env)) console.log(JSON.stringify({ t: started, method: c.req.method, path: c.req.path, route, status, ms, error: c.get("error") }));
  c.env.ANALYTICS?.writeDataPoint({ blobs: [c.req.method, route, String(status)], doubles: [ms], indexes: [route] });
}

/** Counts one assignment made (kind: process, message or assign). */
export const countAssignment = (kind: "process" | "message" | "assign") => bump(assignments, `kind="${kind}"`);

/** Counts one call to a process's object carrying `writes` posted items (routing/coalesce.ts groups them). */
export function countWriteCall(writes: number): void {
  writeCalls++;
  writesCalled += writes;
}

/** Counts a fork: another scheduler serving a different assignment for a slot this node has cached. */
export const countFork = () => void forks++;

function nodeWide(t: NodeCounts): string[] {
  const counter = (name: string, help: string, value: number) => [`# HELP ${name} ${help} (node-wide).`, `# TYPE ${name} counter`, `${name} ${value}`];
  return [
    ...counter("ao_scheduler_process_posts_total", "Items that took a new slot on this node's processes", t.processes.posts),
    ...counter("ao_scheduler_process_reposts_total", "Items posted again to this node's processes, answered with their slot", t.processes.reposts),
    ...counter("ao_scheduler_process_reads_total", "Reads of this node's processes", t.processes.reads),
    ...counter("ao_scheduler_cache_hits_total", "Reads of other schedulers' processes answered from this node's verified cache alone", t.cache.hits),
    ...counter("ao_scheduler_cache_misses_total", "Reads of other schedulers' processes that asked the remote", t.cache.misses),
    ...counter("ao_scheduler_cache_remote_fetches_total", "Requests sent to other schedulers", t.cache.fetches),
    ...counter("ao_scheduler_cache_remote_bytes_total", "Bytes of other schedulers' answers", t.cache.bytes),
    ...counter("ao_scheduler_cache_verify_failures_total", "Remote pages refused by a check", t.cache.verifyFailures),
    ...counter("ao_scheduler_cache_forks_total", "Remote schedules seen serving another assignment for a cached slot", t.cache.forks),
  ];
}

export function renderMetrics(totals: NodeCounts): string {
  const lines = [
    ...nodeWide(totals),
    "# HELP ao_scheduler_remote_forks_total Remote schedules seen serving a different assignment for a cached slot.",
    "# TYPE ao_scheduler_remote_forks_total counter",
    `ao_scheduler_remote_forks_total ${forks}`,
    "# HELP ao_scheduler_assignments_total Assignments made (slots taken) by this isolate, by kind.",
    "# TYPE ao_scheduler_assignments_total counter",
    ...[...assignments].map(([labels, n]) => `ao_scheduler_assignments_total{${labels}} ${n}`),
    "# HELP ao_scheduler_write_calls_total Calls this isolate made to its process objects to schedule posted items.",
    "# TYPE ao_scheduler_write_calls_total counter",
    `ao_scheduler_write_calls_total ${writeCalls}`,
    "# HELP ao_scheduler_write_call_items_total Posted items those calls carried (over the calls: the mean group).",
    "# TYPE ao_scheduler_write_call_items_total counter",
    `ao_scheduler_write_call_items_total ${writesCalled}`,
    "# HELP ao_scheduler_requests_total HTTP requests by method, route and status.",
    "# TYPE ao_scheduler_requests_total counter",
    ...[...requests].map(([labels, n]) => `ao_scheduler_requests_total{${labels}} ${n}`),
    "# HELP ao_scheduler_errors_total HTTP responses with status 400 or more, by status.",
    "# TYPE ao_scheduler_errors_total counter",
    ...errorsByStatus(),
    "# HELP su_core_metrics_duration_milliseconds Request latency by route, in milliseconds.",
    "# TYPE su_core_metrics_duration_milliseconds histogram",
  ];
  for (const [route, h] of latency) {
    BUCKETS.forEach((b, i) => lines.push(`su_core_metrics_duration_milliseconds_bucket{function_name="${route}",le="${b}"} ${h.counts[i]}`));
    lines.push(`su_core_metrics_duration_milliseconds_bucket{function_name="${route}",le="+Inf"} ${h.count}`);
    lines.push(`su_core_metrics_duration_milliseconds_sum{function_name="${route}"} ${h.sum}`);
    lines.push(`su_core_metrics_duration_milliseconds_count{function_name="${route}"} ${h.count}`);
  }
  return lines.join("\n") + "\n";
}

function errorsByStatus(): string[] {
  const byStatus = new Map<string, number>();
  for (const [labels, n] of requests) {
    const status = /status="(\d+)"/.exec(labels)![1];
    if (Number(status) >= 400) bump(byStatus, status, n);
  }
  return [...byStatus].map(([status, n]) => `ao_scheduler_errors_total{status="${status}"} ${n}`);
}
