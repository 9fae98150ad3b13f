/**
 * Case 7: reading a 10,000-slot schedule. A 1000-assignment page in each format, the legacy pages
 * of 1000 a compute unit walks, and `next` with lookahead as a compute unit walks 10,000 slots.
 */
import type { Client, Request } from "../load.ts";
import { timed, type Settings } from "../measure.ts";
import type { Row } from "../report.ts";
import { median, spread } from "../stats.ts";
import { waitIndexed } from "../checks.ts";
import type { Workload } from "../workload.ts";

const SLOTS = 10_000;
const PAGE = 1000;

export async function readsCase(client: Client, work: Workload, s: Settings): Promise<Row[]> {
  console.log(`7 reads: seeding a process with ${SLOTS} slots`);
  const pid = await work.spawn();
  await work.seed(pid, SLOTS - 1);
  await waitIndexed(client, pid);
  const rows: Row[] = [];
  const offsets = Array.from({ length: SLOTS / PAGE }, (_, i) => i * PAGE);
  const formats: [string, string][] = [
    ["HyperBEAM JSON", "application/json"],
    ["aos-2 JSON", "application/aos-2"],
    ["ANS-104 bundle", "application/ans104"],
  ];
  for (const [name, accept] of formats) {
    const requests: Request[] = offsets.map((from) => ({ method: "GET", path: `/${pid}/schedule?from=${from}&limit=${PAGE}`, headers: { accept } }));
    const t = await timed(client, requests, s.runs);
    rows.push({ case: "7 reads", measure: `page of ${PAGE}, ${name}`, value: t.mbPerSecond, unit: "MB/s", p50: t.p50, p99: t.p99, runs: s.runs, note: `${t.count} pages` });
  }

  // The compute unit's legacy pager: timestamp cursors, pages of 1000, until has_next_page is false.
  const legacy: number[] = [];
  let bytes = 0;
  let ms = 0;
  for (let run = 0; run < s.runs; run++) {
    let from: string | undefined;
    for (;;) {
      const a = await client.send({ method: "GET", path: `/${pid}?process-id=${pid}&limit=${PAGE}${from ? `&from=${from}` : ""}` });
      if (a.status !== 200) throw new Error(`legacy page: ${a.status}`);
      legacy.push(a.ms);
      bytes += a.body.length;
      ms += a.ms;
      const page = JSON.parse(a.body.toString()) as { page_info: { has_next_page: boolean }; edges: { cursor: string }[] };
      if (!page.page_info.has_next_page) break;
      from = page.edges.at(-1)!.cursor;
    }
  }
  legacy.sort((a, b) => a - b);
  rows.push({ case: "7 reads", measure: `legacy SU pages of ${PAGE} (CU pager)`, value: bytes / 2 ** 20 / (ms / 1000), unit: "MB/s", p50: median(legacy), p99: legacy[Math.ceil(legacy.length * 0.99) - 1], runs: s.runs, note: `${legacy.length} pages` });

  // `next` as a compute unit walks: from the slot it needs, a lookahead batch at a time.
  for (const lookahead of [100, 1000]) {
    const rates: number[] = [];
    for (let run = 0; run < s.runs; run++) {
      const started = performance.now();
      let from = 0;
      while (from < SLOTS) {
        const a = await client.send({ method: "GET", path: `/~scheduler@1.0/next?target=${pid}&from=${from}&lookahead=${lookahead}`, headers: { accept: "application/ans104" } });
        if (a.status !== 200) throw new Error(`next: ${a.status}`);
        from += Number(a.headers["slot-count"]);
      }
      rates.push(SLOTS / ((performance.now() - started) / 1000));
    }
    rows.push({ case: "7 reads", measure: `next, lookahead ${lookahead}, walking ${SLOTS} slots`, value: median(rates), unit: "slots/s", runs: s.runs, spread: spread(rates), note: "binary bundles, as a compute unit would fetch them" });
  }
  return rows;
}
