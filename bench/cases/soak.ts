/**
 * Case `soak`: memory over a long run. A fresh scheduler (its own server, V8's inspector on)
 * takes SOAK_POSTS posts over 8 processes from 64 clients, in batches of 10,000, each batch
 * followed by one page read per process. After each batch, and again after 30 s idle, it samples
 * the RSS of the front and of workerd, after a full GC of every isolate (Miniflare's too), and each
 * worker isolate's JavaScript heap.
 * What is held, and why, is in docs/performance.md ("Memory").
 */
import { readFileSync, readdirSync } from "node:fs";
import { collectAll, heapInUse, isolates } from "../inspector.ts";
import { Client, closedLoop } from "../load.ts";
import type { Row } from "../report.ts";
import { startScheduler } from "../servers.ts";
import { Workload } from "../workload.ts";
import { freePort } from "../../test/e2e/server.ts";

const PROCESSES = 8;
const CLIENTS = 64;
const BATCH = 10_000;
const IDLE_MS = 30_000;
const MiB = 1024 * 1024;

/** Resident memory of a process in bytes, and its anonymous part (heaps, not mapped files). */
function rss(pid: number): { total: number; anon: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { total: kb("VmRSS"), anon: kb("RssAnon") };
  } catch {
    return { total: 0, anon: 0 };
  }
}

/** The processes whose parent is `pid`. */
function children(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

interface Sample {
  posted: number;
  front: number;
  workerd: number;
  /** workerd's anonymous resident memory (its heaps: V8, SQLite, allocator), without mapped files. */
  workerdAnon: number;
  heaps: Record<string, number>;
}

export async function soakCase(root: string, posts: number): Promise<Row[]> {
  console.log(`soak: ${posts.toLocaleString("en-US")} posts over ${PROCESSES} processes, ${CLIENTS} clients, sampled every ${BATCH.toLocaleString("en-US")}`);
  const inspector = await freePort(2);
  const server = await startScheduler(root, { INSPECTOR_PORT: String(inspector) });
  const client = new Client(server.url);
  const samples: Sample[] = [];
  try {
    const workerd = children(server.pid).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd"));
    if (workerd.length === 0) throw new Error("soak: found no workerd process under the server");
    const sample = async (posted: number): Promise<Sample> => {
      const heaps: Record<string, number> = {};
      for (const port of [inspector, inspector + 1]) {
        await collectAll(port);
        for (const t of await isolates(port)) heaps[t.title] = await heapInUse(t);
      }
      const w = workerd.map(rss);
      const s = { posted, front: rss(server.pid).total, workerd: w.reduce((sum, r) => sum + r.total, 0), workerdAnon: w.reduce((sum, r) => sum + r.anon, 0), heaps };
      console.log(`  ${posted.toLocaleString("en-US")} posted: front ${(s.front / MiB).toFixed(0)} MiB, workerd ${(s.workerd / MiB).toFixed(0)} MiB (${(s.workerdAnon / MiB).toFixed(0)} anonymous), heaps ${Object.entries(heaps).map(([k, v]) => `${k} ${(v / MiB).toFixed(1)} MiB`).join(", ")}`);
      return s;
    };
    const work = await Workload.create(client);
    const pids = await Promise.all(Array.from({ length: PROCESSES }, () => work.spawn()));
    samples.push(await sample(0));
    for (let posted = 0; posted < posts; ) {
      const n = Math.min(BATCH, posts - posted);
      const batch = await work.posts(pids, n);
      // Signing a batch takes seconds: sockets left idle that long are closed by the server, so each batch gets new ones.
      const load = new Client(server.url);
      const r = await closedLoop(load, batch, CLIENTS, 3_600_000);
      if (r.failures.length) throw new Error(`soak: ${r.failures.length} posts failed, e.g. ${r.failures[0].status} ${r.failures[0].body}`);
      posted += n;
      for (const pid of pids) {
        const page = await load.send({ method: "GET", path: `/${pid}/schedule?from=0&limit=1000` });
        if (page.status !== 200) throw new Error(`soak: page read of ${pid} answered ${page.status}`);
      }
      load.close();
      samples.push(await sample(posted));
    }
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idle = await sample(posts);
    return rows(samples, idle);
  } finally {
    client.close();
    await server.stop();
  }
}

function rows(samples: Sample[], idle: Sample): Row[] {
  const last = samples.at(-1)!;
  const half = samples.reduce((best, s) => (Math.abs(s.posted - last.posted / 2) < Math.abs(best.posted - last.posted / 2) ? s : best));
  const growth = (a: number, b: number) => (b - a) / a;
  const out: Row[] = samples.map((s) => ({
    case: "soak",
    measure: `workerd RSS after ${s.posted.toLocaleString("en-US")} posts`,
    value: s.workerd / MiB,
    unit: "MiB",
    runs: 1,
    note: `anonymous ${(s.workerdAnon / MiB).toFixed(0)} MiB; front ${(s.front / MiB).toFixed(0)} MiB; JS heap ${Object.entries(s.heaps).map(([k, v]) => `${k} ${(v / MiB).toFixed(1)} MiB`).join(", ")}`,
  }));
  out.push(
    { case: "soak", measure: `workerd RSS after ${IDLE_MS / 1000} s idle`, value: idle.workerd / MiB, unit: "MiB", runs: 1, note: `front ${(idle.front / MiB).toFixed(0)} MiB` },
    { case: "soak", measure: `workerd RSS growth, ${half.posted.toLocaleString("en-US")} → ${last.posted.toLocaleString("en-US")} posts`, value: 100 * growth(half.workerd, last.workerd), unit: "%", runs: 1 },
    { case: "soak", measure: `front RSS growth, ${half.posted.toLocaleString("en-US")} → ${last.posted.toLocaleString("en-US")} posts`, value: 100 * growth(half.front, last.front), unit: "%", runs: 1 },
  );
  for (const name of Object.keys(last.heaps)) {
    out.push({ case: "soak", measure: `JS heap of ${name}, ${half.posted.toLocaleString("en-US")} → ${last.posted.toLocaleString("en-US")} posts`, value: 100 * growth(half.heaps[name], last.heaps[name]), unit: "%", runs: 1, note: `${(last.heaps[name] / MiB).toFixed(1)} MiB at the end` });
  }
  return out;
}
