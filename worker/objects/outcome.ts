/** Answers an object's RPC call as an Outcome (worker/contract.ts): known failures become values. */
import type { Failure, Outcome } from "../contract.ts";

type Coded = { code?: unknown; message?: unknown; details?: unknown; name?: unknown };

/** Runs `work`, returning known failures (errors with a string `code`) as values; rethrows anything else. */
export async function outcome<T>(work: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const e = err as Coded;
    if (e && typeof e.code === "string" && typeof e.message === "string") {
      const failure: Failure = { ok: false, code: e.code, message: e.message };
      if (e.details && typeof e.details === "object") failure.details = e.details as Record<string, string | number>;
      return failure;
    }
    throw err;
  }
}
