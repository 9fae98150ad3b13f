/**
 * Waits for the machine to go quiet: a case that seeds a process and then measures something else
 * (the browser case) would otherwise measure it beside the node's own work on the seed (its
 * counters and id index, published in the background), bound and rate alike. Linux only
 * (/proc/stat); elsewhere it returns at once.
 */
import { existsSync, readFileSync } from "node:fs";

/** Busy and total CPU time of the whole machine so far, in clock ticks. */
function cpuTimes(): { busy: number; total: number } {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const t = fields.map(Number);
  const idle = t[3] + (t[4] ?? 0); // idle and iowait
  const total = t.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Resolves once a whole second passes with the machine's CPUs under `busy` (a fraction), or after `maxMs`; says how long it waited. */
export async function quiet(busy = 0.1, maxMs = 120_000): Promise<number> {
  if (!existsSync("/proc/stat")) return 0;
  const started = Date.now();
  let last = cpuTimes();
  while (Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuTimes();
    const share = (now.busy - last.busy) / Math.max(1, now.total - last.total);
    last = now;
    if (share < busy) break;
  }
  return Date.now() - started;
}
