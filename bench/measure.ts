/** Repeated measurements: throughput runs of a closed loop, and timed single requests. */
import { closedLoop, type Client, type LoadResult, type Request } from "./load.ts";
import { latencies, median, spread } from "./stats.ts";
import { quiet } from "./quiet.ts";

export interface Settings {
  /** Seconds per throughput run. */
  duration: number;
  runs: number;
}

export interface Throughput {
  /** The median of the runs' rates, and each run's, in the order run. */
  rate: number;
  rates: number[];
  spread: number;
  p50: number;
  p99: number;
  runs: number;
  count: number;
}

/**
 * Pre-signed requests for one run of the scheduler: enough for `rate` (the ceiling's, the most
 * any case reaches; 2,000 msg/s when no ceiling was measured), plus a margin.
 */
export const budgetFor = (rate: number | undefined, s: Settings): number => Math.ceil((rate ?? 2000) * s.duration * 1.25) + 100;

/** Requests of a warm-up: ten per client, at least 200. */
const warmUp = (concurrency: number) => Math.max(200, concurrency * 10);

/** One server under a closed loop: its client, and `requests(n)`, which builds (signs) up to n requests for a run before its clock starts. */
export interface Load {
  client: Client;
  requests: (n: number) => Promise<Request[]>;
}

/** One closed-loop run of `ms` with at most `n` requests; throws on any answer but 200. */
async function run(load: Load, concurrency: number, ms: number, n: number, warmingUp = false): Promise<LoadResult> {
  const batch = await load.requests(n);
  const r = await closedLoop(load.client, batch, concurrency, ms);
  if (r.failures.length) throw new Error(`${r.failures.length} requests failed, e.g. ${r.failures[0].status} ${r.failures[0].body}`);
  if (r.count === batch.length && !warmingUp) console.warn(`  (a run used all ${batch.length} pre-signed requests before the time was up)`);
  return r;
}

/** Runs of one load, summed up. `count` includes the warm-up's answers: every 200 took a slot. */
class Runs {
  readonly rates: number[] = [];
  readonly samples: number[] = [];
  count = 0;

  add(r: LoadResult): void {
    this.rates.push(r.rate);
    this.samples.push(...r.latencies);
    this.count += r.count;
  }

  result(): Throughput {
    return { rate: median(this.rates), rates: this.rates, spread: spread(this.rates), ...latencies(this.samples), runs: this.rates.length, count: this.count };
  }
}

/**
 * `runs` closed-loop runs of `settings.duration` seconds at `concurrency`, each with at most
 * `budget` requests, after an untimed warm-up (JIT, connections, objects opened: the first run
 * measured otherwise came out up to a third lower than the next, for the ceiling as for the
 * scheduler).
 */
export async function throughput(load: Load, settings: Settings, concurrency: number, budget: number): Promise<Throughput> {
  // What the case before left running in the background (the scheduler publishes ids 5 s after
  // its writes) is not this measure's cost: start it on a quiet machine, ceiling and scheduler alike.
  await quiet();
  const ms = settings.duration * 1000;
  const runs = new Runs();
  runs.count += (await run(load, concurrency, ms, Math.min(budget, warmUp(concurrency)), true)).count;
  for (let i = 0; i < settings.runs; i++) runs.add(await run(load, concurrency, ms, budget));
  return runs.result();
}

/** Requests per second no ceiling here comes near: a ceiling run's budget is this many a second. */
export const CEILING_RATE_BOUND = 10_000;

/**
 * The ceiling and the scheduler under one load shape, their runs interleaved (ceiling, scheduler,
 * scheduler, ceiling, ceiling, scheduler, ...), so that what drifts on a shared machine over
 * minutes (other work, CPU clocks) weighs on both alike and their ratio is taken over the same
 * minutes: measured one after the other, the same ceiling ran 1,046 to 1,308 msg/s in one day.
 * A scheduler run gets 1.25 times the requests of the ceiling's fastest run so far.
 */
export async function paired(ceiling: Load, scheduler: Load, settings: Settings, concurrency: number): Promise<{ ceiling: Throughput; scheduler: Throughput }> {
  await quiet();
  const ms = settings.duration * 1000;
  const c = new Runs();
  const s = new Runs();
  c.count += (await run(ceiling, concurrency, ms, warmUp(concurrency), true)).count;
  s.count += (await run(scheduler, concurrency, ms, warmUp(concurrency), true)).count;
  const schedulerBudget = () => budgetFor(Math.max(...c.rates), settings);
  for (let i = 0; i < settings.runs; i++) {
    if (i % 2 === 1) s.add(await run(scheduler, concurrency, ms, schedulerBudget()));
    c.add(await run(ceiling, concurrency, ms, CEILING_RATE_BOUND * settings.duration));
    if (i % 2 === 0) s.add(await run(scheduler, concurrency, ms, schedulerBudget()));
  }
  return { ceiling: c.result(), scheduler: s.result() };
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
