/**
 * Case 8: does cost grow with schedule length? Appends near slot 0 against near slot 100,000 of
 * one process, and a page read at the start against the end. Both ratios should be about 1.
 */
import { waitIndexed } from "../checks.ts";
import { closedLoop, type Client } from "../load.ts";
import { timed, type Settings } from "../measure.ts";
import type { Row } from "../report.ts";
import { median, spread } from "../stats.ts";
import type { Workload } from "../workload.ts";

const LONG = 100_000;
const APPENDS = 300;

export async function scaleCase(client: Client, work: Workload, s: Settings): Promise<Row[]> {
  console.log(`8 scale: seeding a process with ${LONG} slots`);
  const short = await work.spawn();
  const long = await work.spawn();
  const started = performance.now();
  await work.seed(long, LONG - 1);
  const seedRate = (LONG - 1) / ((performance.now() - started) / 1000);
  await waitIndexed(client, long);

  // One client appending to each, alternately, so drift on the machine hits both alike.
  const near0: number[] = [];
  const near100k: number[] = [];
  for (let run = 0; run < s.runs; run++) {
    for (const [pid, into] of [[short, near0], [long, near100k]] as const) {
      const r = await closedLoop(client, await work.posts([pid], APPENDS), 1, 600_000);
      if (r.failures.length) throw new Error(`append failed: ${r.failures[0].status} ${r.failures[0].body}`);
      into.push(median(r.latencies));
    }
  }
  const appendRatio = median(near100k) / median(near0);

  const page = (from: number) => ({ method: "GET" as const, path: `/${long}/schedule?from=${from}&limit=1000`, headers: { accept: "application/json" } });
  const first = await timed(client, Array(10).fill(page(0)), s.runs);
  const last = await timed(client, Array(10).fill(page(LONG - 1000)), s.runs);

  return [
    { case: "8 scale", measure: `seeding (bench route, in the object)`, value: seedRate, unit: "slots/s", runs: 1, note: `${LONG - 1} signed, chained assignments` },
    { case: "8 scale", measure: `append near slot 0, 1 client`, value: median(near0), unit: "ms", runs: s.runs, spread: spread(near0), note: `median latency of ${APPENDS} appends per run` },
    { case: "8 scale", measure: `append near slot ${LONG.toLocaleString("en-US")}, 1 client`, value: median(near100k), unit: "ms", runs: s.runs, spread: spread(near100k) },
    { case: "8 scale", measure: "append cost, slot 100,000 ÷ slot 0", value: appendRatio, unit: "ratio", runs: s.runs },
    { case: "8 scale", measure: "page read at slot 0, JSON", value: first.p50, unit: "ms", p50: first.p50, p99: first.p99, runs: s.runs },
    { case: "8 scale", measure: `page read at slot ${(LONG - 1000).toLocaleString("en-US")}, JSON`, value: last.p50, unit: "ms", p50: last.p50, p99: last.p99, runs: s.runs },
    { case: "8 scale", measure: "page read cost, end ÷ start", value: last.p50 / first.p50, unit: "ratio", runs: s.runs },
  ];
}
