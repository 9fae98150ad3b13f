/** Checks the bench makes on what it measured: schedules stay contiguous and chained. */
import { readBundle } from "../src/ans104/bundle.ts";
import { readAssignment } from "../src/schedule/assignment.ts";
import { chainNext, chainSeed } from "../src/schedule/hash-chain.ts";
import type { Client } from "./load.ts";

/** Reads the whole schedule as bundles; throws unless slots are 0..current with a valid chain. */
export async function checkContiguous(client: Client, pid: string): Promise<number> {
  let from = 0;
  let prev: { id: string; chain: string } | undefined;
  for (;;) {
    const a = await client.send({ method: "GET", path: `/${pid}/schedule?from=${from}`, headers: { accept: "application/ans104" } });
    if (a.status !== 200) throw new Error(`schedule read: ${a.status}`);
    const items = readBundle(new Uint8Array(a.body));
    for (let i = 0; i < items.length; i += 2) {
      const info = readAssignment(items[i]);
      if (info.slot !== from) throw new Error(`slot ${from} expected, got ${info.slot}`);
      const expected = prev ? chainNext(prev.id, prev.chain) : chainSeed(pid);
      if (info.hashChain !== expected) throw new Error(`hash chain broken at slot ${from}`);
      prev = { id: items[i].id, chain: info.hashChain };
      from++;
    }
    if (a.headers.continues !== "true") return from;
  }
}

/** Waits until the global id index holds the process's latest assignment (its background work is done). */
export async function waitIndexed(client: Client, pid: string, ms = 300_000): Promise<void> {
  const latest = JSON.parse((await client.send({ method: "GET", path: `/${pid}/latest` })).body.toString());
  const deadline = Date.now() + ms;
  while ((await client.send({ method: "GET", path: `/${latest.assignment.id}` })).status !== 200) {
    if (Date.now() > deadline) throw new Error("the global index did not catch up");
    await new Promise((r) => setTimeout(r, 250));
  }
}
