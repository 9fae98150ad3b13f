/**
 * `GET /health`: what this node needs to schedule, checked, as JSON. 200 when it can schedule
 * (identity loaded, storage answering), 503 naming what is wrong when it cannot. The gateway is
 * reported, not required: without one, heights are 0 and the answer says what that means.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { json } from "./render.ts";
import { gatewayState } from "../routing/height.ts";
import { schedulerSigner } from "../objects/signer.ts";

const STORAGE_TIMEOUT_MS = 2_000;

type Check = { ok: true; [k: string]: unknown } | { ok: false; error: string };

async function identity(c: Context<AppEnv>): Promise<Check> {
  try {
    const signer = await schedulerSigner(c.env);
    return { ok: true, address: signer.address, "signature-type": signer.type };
  } catch (err) {
    return { ok: false, error: String((err as Error)?.message ?? err) };
  }
}

async function storage(c: Context<AppEnv>): Promise<Check> {
  const started = Date.now();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${STORAGE_TIMEOUT_MS} ms`)), STORAGE_TIMEOUT_MS));
  try {
    await Promise.race([c.env.NODE.getByName("node").ping(), timeout]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, error: `the node's storage did not answer: ${(err as Error)?.message ?? err}` };
  }
}

export async function health(c: Context<AppEnv>): Promise<Response> {
  const [id, store] = await Promise.all([identity(c), storage(c)]);
  const gateway = gatewayState(c.env);
  const ok = id.ok && store.ok;
  const degraded = gateway.configured && !gateway.ok;
  c.header("cache-control", "no-store");
  return json(c, { status: ok ? (degraded ? "degraded" : "ok") : "failing", checks: { identity: id, storage: store, gateway } }, ok ? 200 : 503);
}
