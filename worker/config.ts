/** Configuration from the worker's environment, checked once per isolate. */
import type { PrivateAccess } from "../src/remote/url-policy.ts";
import type { Env } from "./env.ts";

export type SchedulingMode = "local_confirmation" | "aggressive";

export const MODES: readonly SchedulingMode[] = ["local_confirmation", "aggressive"];

/** The mode set, or a 503-coded error naming SCHEDULING_MODE (a deployed variable edited by hand is not checked by a deploy). */
export function schedulingMode(env: Env): SchedulingMode {
  const mode = (env.SCHEDULING_MODE || "local_confirmation") as SchedulingMode;
  if (!MODES.includes(mode)) {
    throw Object.assign(new Error(`SCHEDULING_MODE must be one of ${MODES.join(", ")}; got ${JSON.stringify(env.SCHEDULING_MODE)}`), { code: "unavailable" });
  }
  return mode;
}

/** The most assignments one page holds (HyperBEAM's MAX_ASSIGNMENT_QUERY_LEN, without its off-by-one). */
export const PAGE_LIMIT = 1000;
/** A page stops before this many bytes of items (one slot always fits); `continues` says more exist. Kept well under the 32 MiB RPC limit and an isolate's memory once rendered as JSON. */
export const PAGE_BYTES = 8 * 1024 * 1024;
/** Body limit for posted items (D8). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Longest `wait` a `next` request may ask for, in ms. */
export const MAX_WAIT_MS = 30_000;

/** Whether destinations chosen by request data may be private (src/remote/url-policy.ts): only when the operator says `allow`. */
export const privateAccess = (env: Env): PrivateAccess => (env.REMOTE_PRIVATE === "allow" ? "allow" : "deny");

/** The most live subscribers one process may have (docs/live.md). */
export const SUBSCRIBERS_PER_PROCESS = 1000;

export function subscriberLimit(env: Env): number {
  const n = Number(env.SUBSCRIBERS_PER_PROCESS);
  return env.SUBSCRIBERS_PER_PROCESS && Number.isSafeInteger(n) && n >= 1 ? n : SUBSCRIBERS_PER_PROCESS;
}

/** Whether concurrent writes to one process share calls to its object (routing/coalesce.ts); GROUP_WRITES=false sends one call per write. */
export const groupsWrites = (env: Env): boolean => env.GROUP_WRITES !== "false";
