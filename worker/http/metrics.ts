/**
 * Prometheus metrics for `GET /metrics`: requests by route and status, their latency, errors,
 * and assignments made. Counters live in the isolate (they restart from zero with it), which is
 * how Prometheus expects counters to behave. The latency histogram reuses the legacy SU's name.
 */
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

const BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

const requests = new Map<string, number>();
const latency = new Map<string, { counts: number[]; sum: number; count: number }>();
const assignments = new Map<string, number>();
let forks = 0;

const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);

/** The route that answered: the first matched route that is not middleware. */
function routeOf(c: Context): string {
  return matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
}

/** Counts an answered request and its latency (`started`: Date.now() when it arrived). */
export function measured(c: Context, started: number): void {
  const route = routeOf(c);
  const status = c.res.status;
  bump(requests, `method="${c.req.method}",route="${route}",status="${status}"`);
  const h = latency.get(route) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  const ms = Date.now() - started;
  BUCKETS.forEach((b, i) => ms <= b && h.counts[i]++);
  h.sum += ms;
  h.count++;
  latency.set(route, h);
}

/** Counts one assignment made (kind: process, message or assign). */
export const countAssignment = (kind: "process" | "message" | "assign") => bump(assignments, `kind="${kind}"`);

/** Counts a fork: another scheduler serving a different assignment for a slot this node has cached. */
export const countFork = () => void forks++;

export function renderMetrics(): string {
  const lines = [
    "# HELP ao_scheduler_remote_forks_total Remote schedules seen serving a different assignment for a cached slot.",
    "# TYPE ao_scheduler_remote_forks_total counter",
    `ao_scheduler_remote_forks_total ${forks}`,
    "# HELP ao_scheduler_assignments_total Assignments made (slots taken) by this isolate, by kind.",
    "# TYPE ao_scheduler_assignments_total counter",
    ...[...assignments].map(([labels, n]) => `ao_scheduler_assignments_total{${labels}} ${n}`),
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
