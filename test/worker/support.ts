/** Helpers for tests that go through the real worker (exports.default.fetch) in workerd. */
import { exports } from "cloudflare:workers";
import { readBundle } from "../../src/ans104/bundle.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";

const worker = (exports as unknown as { default: { fetch(r: Request): Promise<Response> } }).default;

export const call = (path: string, init?: RequestInit): Promise<Response> => worker.fetch(new Request(`http://scheduler.test${path}`, init));

export const ANS104 = { "content-type": "application/ans104" };

export const post = (item: DataItem | Uint8Array, path = "/~scheduler@1.0/schedule", headers: Record<string, string> = ANS104) =>
  call(path, { method: "POST", headers, body: "raw" in item ? item.raw : item });

export async function json<T = Record<string, any>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

let address: string | undefined;
export async function schedulerAddress(): Promise<string> {
  address ??= (await json(await call("/~scheduler@1.0/info"))).address as string;
  return address;
}

let client: Signer | undefined;
export const testClient = async () => (client ??= await clientSigner());

/** Spawns a fresh process on the worker and returns it. */
export async function spawn(extra: { name: string; value: string }[] = []): Promise<DataItem> {
  const process = await signProcess(await testClient(), await schedulerAddress(), [{ name: "Name", value: crypto.randomUUID() }, ...extra]);
  const res = await post(process);
  if (res.status !== 200) throw new Error(`spawn failed: ${res.status} ${await res.text()}`);
  return process;
}

export async function send(pid: string, data = "ping"): Promise<{ res: Response; item: DataItem }> {
  const item = await signMessage(await testClient(), pid, data);
  return { res: await post(item, `/${pid}/schedule`), item };
}

export async function bundleOf(pid: string, query = ""): Promise<DataItem[]> {
  const res = await call(`/~scheduler@1.0/schedule?target=${pid}${query}`, { headers: { accept: "application/ans104" } });
  if (res.status !== 200) throw new Error(`schedule read failed: ${res.status} ${await res.text()}`);
  return readBundle(new Uint8Array(await res.arrayBuffer()));
}

export async function current(pid: string): Promise<number> {
  const res = await call(`/${pid}/slot/current`);
  return res.status === 200 ? Number(await res.text()) : -1;
}

/** POST / the way AO's messenger does: raw bytes, octet-stream. */
export const legacyPost = (item: DataItem | Uint8Array | undefined, query = "") =>
  call(`/${query}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", accept: "application/json" },
    body: item === undefined ? undefined : "raw" in item ? item.raw : item,
  });

/**
 * Waits until `probe` returns true (the global index is eventually consistent). No deadline of its
 * own: a condition that never holds fails the test at the test's timeout, whatever the machine's load.
 */
export async function eventually(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 25));
}

/** Calls this isolate made to process objects to schedule posted items (/metrics). */
export async function writeCalls(): Promise<number> {
  return Number(/^ao_scheduler_write_calls_total (\d+)$/m.exec(await (await call("/metrics")).text())?.[1]);
}

/** `n` messages posted at once to a new process: the answers, and the object calls made meanwhile. */
export async function postAtOnce(n: number): Promise<{ responses: Response[]; calls: number }> {
  const { id: pid } = await spawn();
  const client = await testClient();
  const items = await Promise.all(Array.from({ length: n }, (_, i) => signMessage(client, pid, `at once ${i}`)));
  const before = await writeCalls();
  const responses = await Promise.all(items.map((m) => post(m, `/${pid}/schedule`)));
  return { responses, calls: (await writeCalls()) - before };
}
