/**
 * Cases 1 and 3-6: the scheduler under the ceiling's loads (one client; 25, 32 and 100 clients on
 * one process; 64 processes), each beside the ceiling, then the other identity and mode.
 */
import { generateKeyPairSync } from "node:crypto";
import { signItem } from "../../src/ans104/sign.ts";
import { b64url } from "../../src/crypto/base64url.ts";
import { randomBytes, utf8 } from "../../src/crypto/bytes.ts";
import { ed25519Signer } from "../../src/crypto/signers.ts";
import { checkContiguous } from "../checks.ts";
import { Client } from "../load.ts";
import { budgetFor, CEILING_RATE_BOUND, paired, throughput, type Load, type Settings, type Throughput } from "../measure.ts";
import type { Row } from "../report.ts";
import { startCeiling, startScheduler, type Running } from "../servers.ts";
import { Workload } from "../workload.ts";

/** Ceiling rates by shape: "<objects>x<clients>". */
export type Ceiling = Map<string, number>;

const ONE_PROCESS = [1, 25, 32, 100];
const PROCESSES = 64;

const shape = (objects: number, clients: number) => `${objects}x${clients}`;

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
  perRun: t.rates.map(Math.round),
  note,
});

const ceilingRow = (objects: number, clients: number, t: Throughput, note?: string) =>
  row("1 ceiling", `${objects} object${objects > 1 ? "s" : ""}, ${clients} client${clients > 1 ? "s" : ""}`, t, t.rate, note);

/**
 * Case 1, the ceiling: a worker in the same runtime whose object does one SQLite insert per
 * request (bench/ceiling), behind the same front. It stays up while the scheduler's cases run,
 * and each of them is measured with its runs interleaved with the ceiling's (measure.ts, paired).
 */
export class CeilingCase {
  readonly #server: Running;
  readonly #client: Client;
  readonly #body: Uint8Array;
  readonly #pids = Array.from({ length: PROCESSES }, () => b64url(randomBytes(32)));
  readonly #settings: Settings;
  /** The rates measured so far, by shape (the identity case compares with them). */
  readonly rates: Ceiling = new Map();

  private constructor(server: Running, body: Uint8Array, settings: Settings) {
    this.#server = server;
    this.#client = new Client(server.url);
    this.#body = body;
    this.#settings = settings;
  }

  static async start(root: string, settings: Settings): Promise<CeilingCase> {
    const signer = await ed25519Signer(randomBytes(32));
    // Same body size as the scheduler cases; the ceiling never reads it.
    const body = (await signItem(signer, { target: randomBytes(32), anchor: utf8("a".repeat(32)), tags: [{ name: "Type", value: "Message" }, { name: "Action", value: "Eval" }], data: utf8("Send({ Target = ao.id })") })).raw;
    return new CeilingCase(await startCeiling(root), body, settings);
  }

  #load(objects: number): Load {
    const targets = this.#pids.slice(0, objects);
    return {
      client: this.#client,
      requests: async (n) => Array.from({ length: n }, (_, i) => ({ method: "POST", path: `/${targets[i % objects]}/schedule`, headers: { "content-type": "application/ans104" }, body: this.#body })),
    };
  }

  /** A scheduler case's load, measured with its runs interleaved with the ceiling's of the same shape: the ceiling's row, and the scheduler's throughput and ratio. */
  async beside(objects: number, clients: number, scheduler: Load): Promise<{ ceilingRow: Row; t: Throughput; ceiling: number }> {
    console.log(`1 ceiling: ${shape(objects, clients)}, runs interleaved with the scheduler's`);
    const both = await paired(this.#load(objects), scheduler, this.#settings, clients);
    this.rates.set(shape(objects, clients), both.ceiling.rate);
    return { ceilingRow: ceilingRow(objects, clients, both.ceiling, "runs interleaved with the scheduler's of this shape (the next row)"), t: both.scheduler, ceiling: both.ceiling.rate };
  }

  /** The shapes no scheduler case was measured beside (with `--cases ceiling` alone: all), each measured alone; then the ceiling stops. */
  async finish(): Promise<Row[]> {
    try {
      return await this.#rest();
    } finally {
      await this.stop();
    }
  }

  async #rest(): Promise<Row[]> {
    const rows: Row[] = [];
    for (const [objects, clients] of [...ONE_PROCESS.map((c) => [1, c]), [PROCESSES, PROCESSES]]) {
      if (this.rates.has(shape(objects, clients))) continue;
      console.log(`1 ceiling: ${shape(objects, clients)}`);
      const t = await throughput(this.#load(objects), this.#settings, clients, CEILING_RATE_BOUND * this.#settings.duration);
      this.rates.set(shape(objects, clients), t.rate);
      rows.push(ceilingRow(objects, clients, t));
    }
    return rows;
  }

  async stop(): Promise<void> {
    this.#client.close();
    await this.#server.stop();
  }
}

/** Reads the schedule back: slots 0..n contiguous on a valid chain, n = the 200 answers. */
async function checked(client: Client, pid: string, t: Throughput): Promise<string> {
  const slots = await checkContiguous(client, pid);
  if (slots !== t.count + 1) throw new Error(`${t.count} messages answered 200 but the schedule holds ${slots - 1}`);
  return `afterwards: slots 0..${slots - 1} contiguous, hash chain valid`;
}

/** The scheduler under one shape: beside the ceiling when it runs (its row first), else alone and without a ratio. */
async function measure(ceiling: CeilingCase | undefined, objects: number, clients: number, load: Load, s: Settings): Promise<{ rows: Row[]; t: Throughput; ratioTo: number | undefined }> {
  if (!ceiling) return { rows: [], t: await throughput(load, s, clients, budgetFor(undefined, s)), ratioTo: undefined };
  const m = await ceiling.beside(objects, clients, load);
  return { rows: [m.ceilingRow], t: m.t, ratioTo: m.ceiling };
}

export async function singleCase(client: Client, work: Workload, s: Settings, ceiling: CeilingCase | undefined): Promise<Row[]> {
  console.log("3 one process, one client");
  const pid = await work.spawn();
  const m = await measure(ceiling, 1, 1, { client, requests: (n) => work.posts([pid], n) }, s);
  return [...m.rows, row("3 one process", "1 client", m.t, m.ratioTo, await checked(client, pid, m.t))];
}

export async function concurrentCase(client: Client, work: Workload, s: Settings, ceiling: CeilingCase | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of ONE_PROCESS.slice(1)) {
    console.log(`4 one process, ${c} clients`);
    const pid = await work.spawn();
    const m = await measure(ceiling, 1, c, { client, requests: (n) => work.posts([pid], n) }, s);
    rows.push(...m.rows, row("4 one process", `${c} clients`, m.t, m.ratioTo, await checked(client, pid, m.t)));
  }
  return rows;
}

export async function processesCase(client: Client, work: Workload, s: Settings, ceiling: CeilingCase | undefined): Promise<Row[]> {
  console.log(`5 ${PROCESSES} processes in parallel`);
  const pids = await Promise.all(Array.from({ length: PROCESSES }, () => work.spawn()));
  const m = await measure(ceiling, PROCESSES, PROCESSES, { client, requests: (n) => work.posts(pids, n) }, s);
  return [...m.rows, row("5 many processes", `${PROCESSES} processes, ${PROCESSES} clients`, m.t, m.ratioTo, "total over all processes")];
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
      const t = await throughput({ client, requests: (n) => work.posts([pid], n) }, s, 32, budgetFor(ceiling.get("1x32"), s));
      rows.push(row("6 identity/mode", name, t, ceiling.get("1x32"), `${await checked(client, pid, t)}; compare with 4 one process, 32 clients (Ed25519, local_confirmation)`));
    } finally {
      client.close();
      await server.stop();
    }
  }
  return rows;
}
