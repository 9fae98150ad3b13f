/**
 * The control process: spawned and given a few messages before the run, and checksummed before
 * and after it. Bad input must change no schedule, so the checksum must not move. A scratch
 * process receives the items that sit exactly at a D8 limit (which must be accepted).
 */
import { createHash } from "node:crypto";
import type { DataItem } from "../src/ans104/data-item.ts";
import type { Aim } from "./destinations.ts";
import type { Items } from "./items.ts";

export const CONTROL_MESSAGES = 6;
const D = "/~scheduler@1.0";
const ANS104 = { "content-type": "application/ans104" };

export interface World {
  seed: number;
  /** The scheduler's address. */
  address: string;
  control: string;
  scratch: string;
  /** Every item the control process holds, slot by slot (re-posting one is a no-op). */
  held: DataItem[];
  /** The control process's current slot. */
  current: number;
  items: Items;
  /** The counting services the destination cases aim at. */
  aim?: Aim;
}

async function post(url: string, path: string, body: Uint8Array, headers: Record<string, string> = ANS104): Promise<void> {
  const res = await fetch(url + path, { method: "POST", headers, body: body as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`setup: POST ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** Spawns control and scratch (idempotent: the same seed makes the same items) and posts the control's messages. */
export async function prepare(url: string, seed: number, address: string, items: Items): Promise<World> {
  const process = await items.process("control");
  const scratch = await items.process("scratch");
  await post(url, `${D}/schedule`, process.raw);
  await post(url, `${D}/schedule`, scratch.raw);
  const held = [process];
  for (let i = 0; i < CONTROL_MESSAGES; i++) {
    const m = await items.message(process.id, `control ${i}`);
    // Through every write route, as clients do.
    if (i % 3 === 0) await post(url, `${D}/schedule`, m.raw);
    else if (i % 3 === 1) await post(url, `/${process.id}/schedule`, m.raw);
    else await post(url, "/", m.raw, { "content-type": "application/octet-stream" });
    held.push(m);
  }
  await waitListed(url, [process.id, scratch.id]);
  return { seed, address, control: process.id, scratch: scratch.id, held, current: held.length - 1, items };
}

/** The node's process registry is written in the background: wait until both processes show. */
async function waitListed(url: string, pids: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listed = await processList(url);
    if (pids.every((p) => listed.includes(p))) return;
    if (Date.now() > deadline) throw new Error(`setup: ${D}/status does not list ${pids.join(", ")} after 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function processList(url: string): Promise<string[]> {
  const res = await fetch(`${url}${D}/status?limit=1000`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${D}/status answered ${res.status}`);
  return ((await res.json()) as { processes: string[] }).processes;
}

export interface Snapshot {
  /** SHA-256 over the whole schedule as an ANS-104 bundle, the slot, the legacy page and the process list. */
  digest: string;
  current: number;
  processes: number;
  bundleBytes: number;
}

/** Checksums the control process's whole schedule and the node's process list. */
export async function snapshot(url: string, pid: string): Promise<Snapshot> {
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, { headers, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`checksum: GET ${path} answered ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const slot = JSON.parse(new TextDecoder().decode(await get(`/${pid}/slot`))) as { process: string; current: number };
  const bundle = await get(`${D}/schedule?target=${pid}&from=0&to=${slot.current}`, { accept: "application/ans104" });
  const legacy = await get(`/${pid}?process-id=${pid}&limit=1000`);
  const processes = (await processList(url)).sort();
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ process: slot.process, current: slot.current, processes }));
  hash.update(bundle);
  hash.update(legacy);
  return { digest: hash.digest("hex"), current: slot.current, processes: processes.length, bundleBytes: bundle.length };
}
