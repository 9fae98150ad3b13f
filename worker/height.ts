/**
 * Arweave block height from GATEWAY_URL, cached per isolate (DESIGN.md D5). Never makes a request
 * wait: a stale value is served while one refresh runs in the background; with no gateway, or none
 * reachable, the process objects keep their last known height (initially 0).
 */
import { gatewayHeight } from "../src/remote/gateway.ts";
import type { Env } from "./env.ts";

const FRESH_MS = 60_000;
const RETRY_MS = 10_000;

let known = { height: 0, at: 0, gateway: "" };
let refreshing: Promise<void> | undefined;

export function currentHeight(env: Env, waitUntil: (p: Promise<unknown>) => void): number {
  const gateway = env.GATEWAY_URL ?? "";
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
    const height = await gatewayHeight(gateway);
    known = { height: Math.max(height, known.height), at: Date.now(), gateway };
  } catch (err) {
    known = { ...known, at: Date.now() - FRESH_MS + RETRY_MS }; // keep the last value, try again soon
    console.warn(`gateway height: ${(err as Error).message}; keeping ${known.height}`);
  }
}
