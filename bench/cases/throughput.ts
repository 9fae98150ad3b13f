/**
 * Cases 1 and 3-6: the ceiling, then the scheduler under the same loads (one client; 25, 32 and
 * 100 clients on one process; 64 processes), then the other identity and mode.
 */
import { generateKeyPairSync } from "node:crypto";
import { signItem } from "../../src/ans104/sign.ts";
import { b64url, fromB64url } from "../../src/crypto/base64url.ts";
import { randomBytes, utf8 } from "../../src/crypto/bytes.ts";
import { ed25519Signer } from "../../src/crypto/signers.ts";
import { checkContiguous } from "../checks.ts";
import { Client, type Request } from "../load.ts";
import { throughput, type Settings, type Throughput } from "../measure.ts";
import type { Row } from "../report.ts";
import { startCeiling, startScheduler } from "../servers.ts";
import { Workload } from "../workload.ts";

/** Ceiling rates by shape: "<objects>x<clients>". */
export type Ceiling = Map<string, number>;

const ONE_PROCESS = [1, 25, 32, 100];
const PROCESSES = 64;

// Pre-signed requests per run: enough for the ceiling's rate (the most any case can use), plus a margin.
const budget = (ceiling: Ceiling, key: string, s: Settings) => Math.ceil((ceiling.get(key) ?? 2000) * s.duration * 1.25) + 100;

const row = (name: string, measure: string, t: Throughput, ceilingRate: number | undefined, note?: string): Row => ({
  case: name,
  measure,
  value: t.rate,
  unit: "msg/s",
  ratio: ceilingRate ? t.rate / ceilingRate : undefined,
  p50: t.p50,
  p99: t.p99,
  runs: t.runs,
  spread: t.spread,
  note,
});

export async function ceilingCase(root: string, s: Settings, ceiling: Ceiling): Promise<Row[]> {
  console.log("1 ceiling: one SQLite insert per request, same runtime, same path shape");
  const signer = await ed25519Signer(randomBytes(32));
  const pids = Array.from({ length: PROCESSES }, () => b64url(randomBytes(32)));
  // Same body size as the scheduler cases; the ceiling never reads it.
  const body = (await signItem(signer, { target: fromB64url(pids[0]), anchor: utf8("a".repeat(32)), tags: [{ name: "Type", value: "Message" }, { name: "Action", value: "Eval" }], data: utf8("Send({ Target = ao.id })") })).raw;
  const posts = (targets: string[]) => async (n: number): Promise<Request[]> =>
    Array.from({ length: n }, (_, i) => ({ method: "POST", path: `/${targets[i % targets.length]}/schedule`, headers: { "content-type": "application/ans104" }, body }));
  const server = await startCeiling(root);
  const client = new Client(server.url);
  const rows: Row[] = [];
  try {
    for (const c of ONE_PROCESS) {
      const t = await throughput(client, s, c, 1_000_000, posts([pids[0]]));
      ceiling.set(`1x${c}`, t.rate);
      rows.push(row("1 ceiling", `1 object, ${c} client${c > 1 ? "s" : ""}`, t, t.rate));
    }
    const t = await throughput(client, s, PROCESSES, 1_000_000, posts(pids));
    ceiling.set(`${PROCESSES}x${PROCESSES}`, t.rate);
    rows.push(row("1 ceiling", `${PROCESSES} objects, ${PROCESSES} clients`, t, t.rate));
  } finally {
    client.close();
    await server.stop();
  }
  return rows;
}

/** Reads the schedule back: slots 0..n contiguous on a valid chain, n = the 200 answers. */
async function checked(client: Client, pid: string, t: Throughput): Promise<string> {
  const slots = await checkContiguous(client, pid);
  if (slots !== t.count + 1) throw new Error(`${t.count} messages answered 200 but the schedule holds ${slots - 1}`);
  return `afterwards: slots 0..${slots - 1} contiguous, hash chain valid`;
}

export async function singleCase(client: Client, work: Workload, s: Settings, ceiling: Ceiling): Promise<Row[]> {
  console.log("3 one process, one client");
  const pid = await work.spawn();
  const t = await throughput(client, s, 1, budget(ceiling, "1x1", s), (n) => work.posts([pid], n));
  return [row("3 one process", "1 client", t, ceiling.get("1x1"), await checked(client, pid, t))];
}

export async function concurrentCase(client: Client, work: Workload, s: Settings, ceiling: Ceiling): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of ONE_PROCESS.slice(1)) {
    console.log(`4 one process, ${c} clients`);
    const pid = await work.spawn();
    const t = await throughput(client, s, c, budget(ceiling, `1x${c}`, s), (n) => work.posts([pid], n));
    rows.push(row("4 one process", `${c} clients`, t, ceiling.get(`1x${c}`), await checked(client, pid, t)));
  }
  return rows;
}

export async function processesCase(client: Client, work: Workload, s: Settings, ceiling: Ceiling): Promise<Row[]> {
  console.log(`5 ${PROCESSES} processes in parallel`);
  const pids = await Promise.all(Array.from({ length: PROCESSES }, () => work.spawn()));
  const key = `${PROCESSES}x${PROCESSES}`;
  const t = await throughput(client, s, PROCESSES, budget(ceiling, key, s), (n) => work.posts(pids, n));
  return [row("5 many processes", `${PROCESSES} processes, ${PROCESSES} clients`, t, ceiling.get(key), "total over all processes")];
}

/** Case 6: an Arweave RSA-4096 scheduler key, and aggressive mode, each on its own server, 32 clients. */
export async function identityCase(root: string, s: Settings, ceiling: Ceiling): Promise<Row[]> {
  const rsa = JSON.stringify(generateKeyPairSync("rsa", { modulusLength: 4096 }).privateKey.export({ format: "jwk" }));
  const variants: [string, Record<string, string>][] = [
    ["RSA-4096 key, local_confirmation", { SCHEDULER_KEY: rsa }],
    ["Ed25519 key, aggressive", { SCHEDULING_MODE: "aggressive" }],
  ];
  const rows: Row[] = [];
  for (const [name, env] of variants) {
    console.log(`6 identity and mode: ${name}, 32 clients`);
    const server = await startScheduler(root, env);
    const client = new Client(server.url);
    try {
      const work = await Workload.create(client);
      const pid = await work.spawn();
      const t = await throughput(client, s, 32, budget(ceiling, "1x32", s), (n) => work.posts([pid], n));
      rows.push(row("6 identity/mode", name, t, ceiling.get("1x32"), `${await checked(client, pid, t)}; compare with 4 one process, 32 clients (Ed25519, local_confirmation)`));
    } finally {
      client.close();
      await server.stop();
    }
  }
  return rows;
}
