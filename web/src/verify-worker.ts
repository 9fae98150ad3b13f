/// <reference lib="webworker" />
/** A verify worker: checks one part of a fetched page for the mirror worker (web/src/verify-pool.ts). */
import { RemoteError } from "../../src/remote/errors.ts";
import { verifySlots } from "../../src/remote/verify.ts";
import type { VerifyReply, VerifyRequest } from "./worker-protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

const reply = (r: VerifyReply) => self.postMessage(r);

self.addEventListener("message", async (m: MessageEvent<VerifyRequest>) => {
  const { id, slots, ctx, previous } = m.data;
  try {
    reply({ id, ok: true, value: await verifySlots(slots, ctx, previous) });
  } catch (err) {
    const e = err as Error;
    reply({ id, ok: false, error: err instanceof RemoteError ? { code: err.code, message: err.message, details: err.details } : { message: e?.message ?? String(err) } });
  }
});
