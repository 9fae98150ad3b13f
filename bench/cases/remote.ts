/**
 * Case 8: a process held by another node (B, the bench's scheduler), read and written through
 * this one (A, a second `npm start`, told where B is by a hint). Ratios are to the same request
 * sent to B directly, measured in the same run: a page of 1000 from A's verified cache, a cold
 * page (A fetches it from B, verifies every slot and caches it), and a proxied post.
 */
import type { Client, Request } from "../load.ts";
import { Client as HttpClient } from "../load.ts";
import { timed, type Settings } from "../measure.ts";
import type { Row } from "../report.ts";
import { startScheduler } from "../servers.ts";
import type { Workload } from "../workload.ts";

const PAGE = 1000;
const POSTS = 200;
const ANS104 = { accept: "application/ans104" };

export async function remoteCase(root: string, b: Client, bUrl: string, work: Workload, s: Settings): Promise<Row[]> {
  console.log("8 remote: starting node A");
  const aServer = await startScheduler(root);
  const a = new HttpClient(aServer.url);
  try {
    const hint = `hint=${encodeURIComponent(bUrl)}`;
    const page = (pid: string, from: number): Request => ({ method: "GET", path: `/${pid}/schedule?from=${from}&to=${from + PAGE - 1}`, headers: ANS104 });
    const pids: string[] = [];
    for (let run = 0; run < s.runs; run++) {
      const pid = await work.spawn();
      await work.seed(pid, PAGE - 1);
      pids.push(pid);
    }
    const direct = await timed(b, pids.map((pid) => page(pid, 0)), 1);
    // Cold: each process is new to A, so its first page is fetched from B, verified and cached.
    const cold = await timed(a, pids.map((pid) => ({ ...page(pid, 0), path: `${page(pid, 0).path}&${hint}` })), 1);
    const cached = await timed(a, pids.map((pid) => ({ ...page(pid, 0), path: `${page(pid, 0).path}&${hint}` })), 1);

    const target = pids[0];
    const toB = await work.posts([target], POSTS);
    const throughA = (await work.posts([target], POSTS)).map((r) => ({ ...r, path: `${r.path}?${hint}` }));
    const postB = await timed(b, toB, 1);
    const postA = await timed(a, throughA, 1);
    const note = "ratio: × the same request sent to B directly";
    return [
      { case: "8 remote", measure: `page of ${PAGE} from B directly (bundle)`, value: direct.mbPerSecond, unit: "MB/s", p50: direct.p50, p99: direct.p99, runs: s.runs },
      { case: "8 remote", measure: `page of ${PAGE} through A, cached`, value: cached.mbPerSecond, unit: "MB/s", ratio: direct.p50 / cached.p50, p50: cached.p50, p99: cached.p99, runs: s.runs, note },
      { case: "8 remote", measure: `page of ${PAGE} through A, cold (fetch, verify, cache)`, value: cold.mbPerSecond, unit: "MB/s", ratio: direct.p50 / cold.p50, p50: cold.p50, p99: cold.p99, runs: s.runs, note },
      { case: "8 remote", measure: "post to B directly", value: 1000 / postB.p50, unit: "posts/s (1 client)", p50: postB.p50, p99: postB.p99, runs: 1 },
      { case: "8 remote", measure: "post through A (proxied)", value: 1000 / postA.p50, unit: "posts/s (1 client)", ratio: postB.p50 / postA.p50, p50: postA.p50, p99: postA.p99, runs: 1, note },
    ];
  } finally {
    a.close();
    await aServer.stop();
  }
}
