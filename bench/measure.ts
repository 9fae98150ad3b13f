/** Repeated measurements: throughput runs of a closed loop, and timed single requests. */
import { closedLoop, type Client, type Request } from "./load.ts";
import { latencies, median, spread } from "./stats.ts";
import { quiet } from "./quiet.ts";

export interface Settings {
  /** Seconds per throughput run. */
  duration: number;
  runs: number;
}

export interface Throughput {
  rate: number;
  spread: number;
  p50: number;
  p99: number;
  runs: number;
  count: number;
}

/** Requests of a warm-up: ten per client, at least 200. */
const warmUp = (concurrency: number) => Math.max(200, concurrency * 10);

/**
 * `runs` closed-loop runs of `settings.duration` seconds at `concurrency`, after an untimed
 * warm-up (JIT, connections, objects opened: the first run measured otherwise came out up to a
 * third lower than the next, for the ceiling as for the scheduler); `requests(n)` builds (signs)
 * up to n requests for one run, before its clock starts. `count` includes the warm-up's answers:
 * every 200 took a slot.
 */
export async function throughput(client: Client, settings: Settings, concurrency: number, budget: number, requests: (n: number) => Promise<Request[]>): Promise<Throughput> {
  const rates: number[] = [];
  const samples: number[] = [];
  const failed = (r: { failures: { status: number; body: string }[] }) => {
    if (r.failures.length) throw new Error(`${r.failures.length} requests failed, e.g. ${r.failures[0].status} ${r.failures[0].body}`);
  };
  // What the case before left running in the background (the scheduler publishes ids 5 s after
  // its writes) is not this measure's cost: start it on a quiet machine, ceiling and scheduler alike.
  await quiet();
  const warm = await closedLoop(client, await requests(Math.min(budget, warmUp(concurrency))), concurrency, settings.duration * 1000);
  failed(warm);
  let count = warm.count;
  for (let run = 0; run < settings.runs; run++) {
    const batch = await requests(budget);
    const r = await closedLoop(client, batch, concurrency, settings.duration * 1000);
    failed(r);
    if (r.count === batch.length) console.warn(`  (run ${run + 1} used all ${batch.length} pre-signed requests before the time was up)`);
    rates.push(r.rate);
    samples.push(...r.latencies);
    count += r.count;
  }
  return { rate: median(rates), spread: spread(rates), ...latencies(samples), runs: settings.runs, count };
}

export interface Timed {
  p50: number;
  p99: number;
  mbPerSecond: number;
  count: number;
}

/** Sends each request once, one at a time, `rounds` times; every answer must be 200. */
export async function timed(client: Client, requests: readonly Request[], rounds: number): Promise<Timed> {
  const samples: number[] = [];
  let bytes = 0;
  let ms = 0;
  for (let round = 0; round < rounds; round++) {
    for (const r of requests) {
      const a = await client.send(r);
      if (a.status !== 200) throw new Error(`${r.method} ${r.path}: ${a.status} ${a.body.toString().slice(0, 200)}`);
      samples.push(a.ms);
      bytes += a.body.length;
      ms += a.ms;
    }
  }
  return { ...latencies(samples), mbPerSecond: bytes / 2 ** 20 / (ms / 1000), count: samples.length };
}
