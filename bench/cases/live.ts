/**
 * Case `live` (docs/live.md): 1,000 subscribers (`--subscribers` to change) on one process while
 * 32 clients post to it. Delivery
 * latency runs from the moment a post's answer arrives to the moment each subscriber has that slot
 * (p50, p99 over every slot and subscriber); every subscriber's sequence must end complete and in
 * order; and the posting throughput is set against the same 32 clients posting to a process nobody
 * subscribes to, in the same run.
 */
import os from "node:os";
import WebSocket from "ws";
import { ACK_BYTES, subscribeUrl } from "../../src/remote/live.ts";
import type { Client, Request } from "../load.ts";
import { median, percentile, spread } from "../stats.ts";
import { budgetFor, type Settings } from "../measure.ts";
import type { Row } from "../report.ts";
import type { Workload } from "../workload.ts";

export const SUBSCRIBERS = 1000;
const CLIENTS = 32;

/** One subscriber: when each slot reached it, and whether its slots came in order with none missing. */
class Subscriber {
  readonly arrivals: number[] = [];
  next: number;
  broken: string | undefined;
  closed: string | undefined;
  readonly ws: WebSocket;
  #unacked = 0;

  constructor(url: string, from: number) {
    this.next = from;
    this.ws = new WebSocket(url, { perMessageDeflate: false } as never);
    this.ws.addEventListener("message", (e) => {
      const now = performance.now();
      const frame = e.data as string;
      // The frame is a whole slot as JSON; its slot number is read without parsing the rest (the client shares the CPU).
      const at = frame.indexOf('"slot":');
      const slot = Number.parseInt(frame.slice(at + 7, at + 24), 10);
      if (slot !== this.next) this.broken ??= `expected slot ${this.next}, got ${slot}`;
      this.arrivals[slot] = now;
      this.next = slot + 1;
      this.#unacked += frame.length;
      if (this.#unacked >= ACK_BYTES) {
        this.#unacked = 0;
        this.ws.send(String(slot));
      }
    });
    this.ws.addEventListener("close", (e) => (this.closed = `${e.code} ${e.reason}`));
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("error", (e) => reject(new Error(`subscribing failed: ${(e as { message?: string }).message ?? "error"}`)));
    });
  }
}

/** `runs` runs of 32 clients posting for `duration` s; the time each slot's answer arrived. */
async function post(client: Client, work: Workload, pid: string, s: Settings, budget: number) {
  const answered: number[] = [];
  const rates: number[] = [];
  const latencies: number[] = [];
  for (let run = 0; run < s.runs; run++) {
    const batch: Request[] = await work.posts([pid], budget);
    let next = 0;
    const started = performance.now();
    const end = started + s.duration * 1000;
    let count = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < batch.length && performance.now() < end) {
          const a = await client.send(batch[next++]);
          if (a.status !== 200) throw new Error(`post answered ${a.status}: ${a.body.toString().slice(0, 200)}`);
          answered[Number(a.headers.slot)] = performance.now();
          latencies.push(a.ms);
          count++;
        }
      }),
    );
    if (next === batch.length) console.warn(`  (run ${run + 1} used all ${batch.length} pre-signed requests before the time was up)`);
    rates.push(count / ((performance.now() - started) / 1000));
  }
  const sorted = latencies.sort((x, y) => x - y);
  return { answered, rate: median(rates), spread: spread(rates), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const load = () => os.loadavg().map((n) => n.toFixed(1)).join(", ");

export async function liveCase(client: Client, url: string, work: Workload, s: Settings, count = SUBSCRIBERS): Promise<Row[]> {
  console.log(`live: ${CLIENTS} clients posting to one process, without subscribers, then with ${count} (load average before: ${load()})`);
  const budget = budgetFor(undefined, s);
  const alone = await post(client, work, await work.spawn(), s, budget);

  const pid = await work.spawn();
  const subs: Subscriber[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => new Subscriber(subscribeUrl(url, pid, 1, "json"), 1));
    await Promise.all(batch.map((b) => b.opened()));
    subs.push(...batch);
  }
  const watched = await post(client, work, pid, s, budget);
  const last = watched.answered.length - 1;
  // Every subscriber must end with every slot; how long the last ones took is part of the latencies.
  const deadline = Date.now() + 120_000;
  while (subs.some((x) => x.next <= last && !x.closed && !x.broken) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const loadAfter = load();
  const complete = subs.filter((x) => x.next === last + 1 && !x.broken).length;
  const delays: number[] = [];
  for (const x of subs) {
    for (let slot = 1; slot <= last; slot++) {
      const at = x.arrivals[slot];
      if (at !== undefined && watched.answered[slot] !== undefined) delays.push(Math.max(0, at - watched.answered[slot]));
    }
  }
  delays.sort((x, y) => x - y);
  const problems = subs.flatMap((x) => (x.broken ? [x.broken] : x.closed ? [`closed ${x.closed}`] : x.next <= last ? [`stopped at slot ${x.next - 1}`] : [])).slice(0, 3);
  for (const x of subs) x.ws.close(1000, "bench done");

  const ratio = watched.rate / alone.rate;
  return [
    { case: "live", measure: `posting, ${CLIENTS} clients, no subscribers`, value: alone.rate, unit: "msg/s", p50: alone.p50, p99: alone.p99, runs: s.runs, spread: alone.spread },
    {
      case: "live",
      measure: `posting, ${CLIENTS} clients, ${count} subscribers`,
      value: watched.rate,
      unit: "msg/s",
      p50: watched.p50,
      p99: watched.p99,
      runs: s.runs,
      spread: watched.spread,
      note: `${ratio.toFixed(2)}× the rate without subscribers (target 0.9×); load average ${load()} after`,
    },
    {
      case: "live",
      measure: `delivery, post answered → each of ${count} subscribers`,
      value: percentile(delays, 50),
      unit: "ms (p50)",
      p50: percentile(delays, 50),
      p99: percentile(delays, 99),
      runs: 1,
      note: `${delays.length} deliveries of slots 1..${last}; targets p50 <= 10 ms, p99 <= 100 ms; load average ${loadAfter} when delivery ended`,
    },
    {
      case: "live",
      measure: "subscribers with every slot, in order",
      value: complete,
      unit: `of ${count}`,
      runs: 1,
      note: complete === count ? `each got slots 1..${last}, once, in order` : `incomplete, e.g. ${problems.join("; ")}`,
    },
  ];
}
