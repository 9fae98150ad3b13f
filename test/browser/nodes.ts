/**
 * Real nodes for the browser tests: `npm start` with its own STATE_DIR, processes spawned over
 * HTTP with real signed items, and long schedules grown through the bench-only seeding route.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Signer } from "../../src/crypto/signers.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "../e2e/server.ts";

const ANS104 = { "content-type": "application/ans104" };
export const BENCH_TOKEN = "browser-test-token-0123456789";

export interface Node {
  server: Server;
  url: string;
  address: string;
  stop(): Promise<void>;
}

export async function startNode(env: Record<string, string> = {}): Promise<Node> {
  const dir = await mkdtemp(join(tmpdir(), "ao-browser-"));
  const server = startServer(await freePort(), dir, { AO_BENCH_TOKEN: BENCH_TOKEN, ...env });
  await waitReady(server);
  const address = ((await (await fetch(`${server.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
  return {
    server,
    url: server.url,
    address,
    stop: async () => {
      await stopServer(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function post(url: string, raw: Uint8Array, headers: Record<string, string> = ANS104): Promise<Response> {
  const res = await fetch(url, { method: "POST", headers, body: raw as Uint8Array<ArrayBuffer> });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

/** Spawns a process on `node` and grows it to `slots` slots (slot 0 is the process). */
export async function spawnWithSlots(node: Node, client: Signer, slots: number, label = "m"): Promise<string> {
  const process = await signProcess(client, node.address);
  await post(`${node.url}/~scheduler@1.0/schedule`, process.raw);
  let current = 0;
  while (current < slots - 1) {
    const n = Math.min(10_000, slots - 1 - current);
    const message = await signMessage(client, process.id, `${label}${current}`);
    await post(`${node.url}/~bench@1.0/seed?target=${process.id}&count=${n}`, message.raw, { ...ANS104, "x-bench-token": BENCH_TOKEN });
    current += n;
  }
  return process.id;
}

/** Posts one message the ordinary way, as a client would. */
export async function sendMessage(node: Node, client: Signer, pid: string, data: string): Promise<string> {
  const message = await signMessage(client, pid, data);
  await post(`${node.url}/${pid}/schedule`, message.raw);
  return message.id;
}
