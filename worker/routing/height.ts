/**
 * Arweave block height from GATEWAY_URL, cached per isolate (D5, docs/architecture.md). Only the
 * very first read waits (at most FIRST_WAIT_MS, in the worker, never inside a process's object), so
 * a new process does not start at height 0; after that a stale value is served while one refresh
 * runs in the background. With no gateway, or none reachable, process objects keep their last height.
 */
import { gatewayHeight, NO_GATEWAY_NOTE } from "../../src/remote/gateway.ts";
import type { Context } from "hono";
import type { AppEnv, Env } from "../env.ts";

const FRESH_MS = 60_000;
const RETRY_MS = 10_000;
const FIRST_WAIT_MS = 2_000;

let known = { height: 0, at: 0, gateway: "", error: undefined as string | undefined };
let refreshing: Promise<void> | undefined;

/** The latest height this isolate knows (0 without a gateway). */
export async function currentHeight(env: Env, waitUntil: (p: Promise<unknown>) => void): Promise<number> {
  const gateway = env.GATEWAY_URL ?? "";
  if (!gateway) return 0;
  if (known.gateway !== gateway) known = { height: 0, at: 0, gateway, error: undefined };
  const cold = known.at === 0;
  if (Date.now() - known.at > FRESH_MS && !refreshing) {
    refreshing = refresh(gateway).finally(() => (refreshing = undefined));
    waitUntil(refreshing);
  }
  if (cold && refreshing) await Promise.race([refreshing, new Promise((r) => setTimeout(r, FIRST_WAIT_MS))]);
  return known.height;
}

/** currentHeight for a request: a refresh it starts outlives the request. */
export const requestHeight = (c: Context<AppEnv>): Promise<number> => currentHeight(c.env, (p) => c.executionCtx.waitUntil(p));

async function refresh(gateway: string): Promise<void> {
  try {
    const height = await gatewayHeight(gateway);
    known = { height: Math.max(height, known.height), at: Date.now(), gateway, error: undefined };
  } catch (err) {
    known = { ...known, at: Date.now() - FRESH_MS + RETRY_MS, error: (err as Error).message }; // keep the last value, try again soon
    console.warn(`gateway height: ${(err as Error).message}; keeping ${known.height}`);
  }
}

/** What this isolate knows of the gateway, for /health. */
export function gatewayState(env: Env): { configured: false; note: string } | { configured: true; url: string; ok: boolean; height: number; error?: string } {
  const gateway = env.GATEWAY_URL ?? "";
  if (!gateway) return { configured: false, note: NO_GATEWAY_NOTE };
  const mine = known.gateway === gateway ? known : { height: 0, at: 0, error: undefined };
  return { configured: true, url: gateway, ok: mine.error === undefined && mine.at > 0, height: mine.height, ...(mine.error ? { error: mine.error } : {}) };
}
