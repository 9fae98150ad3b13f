/**
 * `npm run fuzz`: seeded bad input against a real server (see fuzz/fuzz.ts). Exits 1 on any 5xx,
 * hang, server exit, delayed client, schedule change or policy breach, printing each with what
 * reproduces it.
 *
 *   npm run fuzz -- [--requests 2000] [--seed S] [--case 12,raw:slowloris,policy] [--concurrency 4] [--url http://127.0.0.1:8787]
 */
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz.ts";
import { stopAllTargets } from "./target.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    seed: { type: "string" },
    case: { type: "string", multiple: true },
    concurrency: { type: "string", default: "4" },
    url: { type: "string" },
  },
});
const requests = Number(values.requests);
const seed = values.seed === undefined ? Date.now() % 2 ** 32 : Number(values.seed);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(requests) || requests < 0) throw new Error(`--requests must be a whole number, got ${values.requests}`);
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`--seed must be an integer from 0 to 2^32-1, got ${values.seed}`);
if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be at least 1, got ${values.concurrency}`);
const only = (values.case ?? []).flatMap((c) => c.split(",")).map((c) => c.trim()).filter(Boolean);

// Whatever stops the run, the server it started stops with it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAllTargets().finally(() => process.exit(130)));

const result = await runFuzz({ requests, seed, only, concurrency, url: values.url, root: process.cwd(), log: (line) => console.log(line) });
console.log("\n" + result.text);
console.log(result.ok ? "\nfuzz: passed" : "\nfuzz: FAILED");
process.exit(result.ok ? 0 : 1);
