/**
 * What an operator can follow deployed (docs/architecture.md "Observability"): each process
 * object's counters (posts, re-posts, reads, last write), written out by its alarm and shown by
 * `status` and the node-wide lines of `/metrics`; one JSON log line per request unless LOG_LEVEL
 * is warn or quieter; a Workers Analytics Engine data point per request when one is bound.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createApp } from "../../worker/http/app.ts";
import { call, json, post, send, spawn } from "./support.ts";

afterEach(() => vi.restoreAllMocks());

describe("per-process counters", () => {
  test("posts, re-posts, reads and the last write are counted in the object and shown by status once its alarm wrote them out", async () => {
    const before = Date.now();
    const process = await spawn();
    const pid = process.id;
    const { item } = await send(pid, "one");
    await send(pid, "two");
    expect((await post(item, `/${pid}/schedule`)).status).toBe(200); // a re-post
    expect((await call(`/${pid}/slot`)).status).toBe(200);
    expect((await call(`/${pid}/schedule`)).status).toBe(200);
    // Counting touched no storage: the alarm writes the counts out.
    await runDurableObjectAlarm(env.PROCESS.getByName(pid));
    const status = await json(await call("/~scheduler@1.0/status"));
    const counts = status["process-counters"][pid];
    expect(counts).toMatchObject({ posts: 3, "re-posts": 1, reads: 2 });
    expect(counts["last-write"]).toBeGreaterThanOrEqual(before);
    expect(counts["last-write"]).toBeLessThanOrEqual(Date.now());
    expect(status.cache).toEqual({ hits: 0, misses: 0, "remote-fetches": 0, "remote-bytes": 0, "verify-failures": 0, forks: 0 });
  });

  test("/metrics carries the node-wide sums of every process's counts and the caches' totals", async () => {
    const process = await spawn();
    await send(process.id);
    await runDurableObjectAlarm(env.PROCESS.getByName(process.id));
    const text = await (await call("/metrics")).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
    expect(value("ao_scheduler_process_posts_total")).toBeGreaterThanOrEqual(2);
    for (const name of ["hits", "misses", "remote_fetches", "remote_bytes", "verify_failures", "forks"]) expect(value(`ao_scheduler_cache_${name}_total`), name).toBeGreaterThanOrEqual(0);
  });
});

describe("the request log", () => {
  const app = createApp();

  test("one JSON line per request at LOG_LEVEL=info, with route, status and time; an error answer's message too", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await app.fetch(new Request("http://scheduler.test/~scheduler@1.0/info"), { ...env, LOG_LEVEL: "info" });
    await app.fetch(new Request(`http://scheduler.test/${"Q".repeat(43)}/slot`), { ...env, LOG_LEVEL: "info" });
    expect(log).toHaveBeenCalledTimes(2);
    const [ok, missing] = log.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(ok).toMatchObject({ method: "GET", path: "/~scheduler@1.0/info", route: "/~scheduler@1.0/info", status: 200 });
    expect(typeof ok.ms).toBe("number");
    expect(ok.error).toBeUndefined();
    expect(missing).toMatchObject({ route: "/:pid/slot", status: 404, error: `process ${"Q".repeat(43)} is not known to this scheduler` });
  });

  test("no line at LOG_LEVEL=warn", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await app.fetch(new Request("http://scheduler.test/~scheduler@1.0/info"), { ...env, LOG_LEVEL: "warn" });
    expect(log).not.toHaveBeenCalled();
  });

  test("with an Analytics Engine dataset bound, one data point per request: method, route and status, and its time", async () => {
    const points: AnalyticsEngineDataPoint[] = [];
    const ANALYTICS: AnalyticsEngineDataset = { writeDataPoint: (p) => void points.push(p!) };
    await app.fetch(new Request("http://scheduler.test/~scheduler@1.0/info"), { ...env, ANALYTICS });
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ blobs: ["GET", "/~scheduler@1.0/info", "200"], indexes: ["/~scheduler@1.0/info"] });
    expect(points[0].doubles).toHaveLength(1);
  });
});
