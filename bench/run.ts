/**
 * `npm run bench`: scheduling throughput, latency and scale, side by side with the runtime's own
 * ceiling, measured in one run (absolute numbers drift on a shared machine; ratios do not).
 *
 *   npm run bench -- [--duration 5] [--runs 3] [--cases ceiling,signing,single,concurrent,processes,identity,reads,scale,remote,browser,live] [--subscribers 1000]
 *   npm run bench -- --cases soak [--soak-posts 100000]   (not in the default set: about 10 minutes alone)
 */
import { parseArgs } from "node:util";
import { environment, table, write, type Row } from "./report.ts";
import { CeilingCase, concurrentCase, identityCase, processesCase, singleCase } from "./cases/throughput.ts";
import { readsCase } from "./cases/reads.ts";
import { browserCase } from "./cases/browser.ts";
import { liveCase, SUBSCRIBERS } from "./cases/live.ts";
import { remoteCase } from "./cases/remote.ts";
import { scaleCase } from "./cases/scale.ts";
import { signingCase } from "./cases/signing.ts";
import { soakCase } from "./cases/soak.ts";
import { Client } from "./load.ts";
import { startScheduler, stopAll } from "./servers.ts";
import { Workload } from "./workload.ts";

const ALL = ["ceiling", "signing", "single", "concurrent", "processes", "identity", "reads", "scale", "remote", "browser", "live"];
const OPTIONAL = ["soak"];
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    runs: { type: "string", default: "3" },
    cases: { type: "string", default: ALL.join(",") },
    "soak-posts": { type: "string", default: "100000" },
    subscribers: { type: "string", default: String(SUBSCRIBERS) },
  },
});
const settings = { duration: Number(values.duration), runs: Number(values.runs) };
const cases = new Set(values.cases.split(",").map((c) => c.trim()));
for (const c of cases) if (!ALL.includes(c) && !OPTIONAL.includes(c)) throw new Error(`unknown case ${c}; cases are ${[...ALL, ...OPTIONAL].join(", ")}`);
const soakPosts = Number(values["soak-posts"]);
if (!(Number.isSafeInteger(soakPosts) && soakPosts >= 10_000)) throw new Error("--soak-posts must be an integer of at least 10000");
if (!(settings.duration > 0) || !(settings.runs >= 1)) throw new Error("--duration must be > 0 seconds and --runs at least 1");
const subscribers = Number(values.subscribers);
if (!Number.isInteger(subscribers) || subscribers < 1 || subscribers > SUBSCRIBERS) throw new Error(`--subscribers must be an integer from 1 to ${SUBSCRIBERS} (the node's default SUBSCRIBERS_PER_PROCESS)`);

const root = process.cwd(); // scripts/bench.mjs runs from the checkout
// Whatever stops the bench, the servers it started stop with it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void stopAll().finally(() => process.exit(130)));
}
const rows: Row[] = [];
const add = (...r: Row[]) => {
  rows.push(...r);
  for (const x of r) console.log(`  ${x.case} ${x.measure}: ${x.value === null ? "n/a" : x.value.toFixed(x.value < 10 ? 2 : 0)} ${x.unit}${x.ratio ? ` (${x.ratio.toFixed(2)} of ceiling)` : ""}`);
};
console.log(`bench: ${[...cases].join(", ")}; ${settings.runs} run(s) of ${settings.duration} s per throughput measure\n`);

// The ceiling stays up while the scheduler's throughput cases run beside it (cases/throughput.ts),
// then measures what they did not and stops.
const ceiling = cases.has("ceiling") ? await CeilingCase.start(root, settings) : undefined;
const needsServer = ["single", "concurrent", "processes", "reads", "scale", "remote", "browser", "live"].some((c) => cases.has(c));
try {
  if (cases.has("signing")) add(...(await signingCase()));
  if (needsServer) {
    const server = await startScheduler(root);
    const client = new Client(server.url);
    try {
      const work = await Workload.create(client);
      if (cases.has("single")) add(...(await singleCase(client, work, settings, ceiling)));
      if (cases.has("concurrent")) add(...(await concurrentCase(client, work, settings, ceiling)));
      if (cases.has("processes")) add(...(await processesCase(client, work, settings, ceiling)));
      if (ceiling) add(...(await ceiling.finish()));
      if (cases.has("reads")) add(...(await readsCase(client, work, settings)));
      if (cases.has("scale")) add(...(await scaleCase(client, work, settings)));
      if (cases.has("remote")) add(...(await remoteCase(root, client, server.url, work, settings)));
      if (cases.has("browser")) add(...(await browserCase(server.url, work)));
      if (cases.has("live")) add(...(await liveCase(client, server.url, work, settings, subscribers)));
    } finally {
      client.close();
      await server.stop();
    }
  }
  if (ceiling && !needsServer) add(...(await ceiling.finish()));
} finally {
  await ceiling?.stop();
}
if (cases.has("identity")) add(...(await identityCase(root, settings, ceiling?.rates ?? new Map())));
if (cases.has("soak")) add(...(await soakCase(root, soakPosts)));

console.log("\n" + table(rows));
const file = write(root, { ...environment(root, { ...settings, cases: [...cases] }), finishedAt: new Date().toISOString(), rows });
console.log(`\nresults: ${file}`);
