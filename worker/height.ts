/**
 * Arweave block height from GATEWAY_URL, cached per isolate (DESIGN.md D5). Never makes a request
 * wait: a stale value is served while one refresh runs in the background; with no gateway, or none
 * reachable, the process objects keep their last known height (initially 0).
 */
import type { Env } from "./env.ts";

const FRESH_MS = 60_000;
const TIMEOUT_MS = 5_000;

let known = { height: 0, at: 0, gateway: "" };
let refreshing: Promise<void> | undefined;

export function currentHeight(env: Env, waitUntil: (p: Promise<unknown>) => void): number {
  const gateway = (env.GATEWAY_URL ?? "").replace(/\/+$/, "");
  if (!gateway) return 0;
  if (known.gateway !== gateway) known = { height: 0, at: 0, gateway };
  if (Date.now() - known.at > FRESH_MS && !refreshing) {
    refreshing = refresh(gateway).finally(() => (refreshing = undefined));
    waitUntil(refreshing);
  }
  return known.height;
}

async function refresh(gateway: string): Promise<void> {
  try {
    const res = await fetch(`${gateway}/info`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`status ${res.status}`);
    const height = Number(((await res.json()) as { height?: unknown }).height);
    if (!Number.isSafeInteger(height) || height < 0) throw new Error("no numeric height in /info");
    known = { height: Math.max(height, known.height), at: Date.now(), gateway };
  } catch (err) {
    known = { ...known, at: Date.now() - FRESH_MS + 10_000 }; // try again in 10 s, keep the last value
    console.warn(`gateway ${gateway}/info: ${(err as Error).message}; keeping height ${known.height}`);
  }
}
