/** Bindings and variables of the worker (wrangler.toml). */
import type { IndexObject } from "./index-object.ts";
import type { NodeObject } from "./node-object.ts";
import type { ProcessObject } from "./process-object.ts";

export interface Env {
  PROCESS: DurableObjectNamespace<ProcessObject>;
  NODE: DurableObjectNamespace<NodeObject>;
  INDEX: DurableObjectNamespace<IndexObject>;
  /** Ed25519 seed (hex or base64url) or a JWK; scripts/start.mjs fills it from SCHEDULER_KEY_FILE too. */
  SCHEDULER_KEY?: string;
  /** local_confirmation (default) or aggressive. */
  SCHEDULING_MODE?: string;
  /** Arweave gateway for block height, e.g. https://arweave.net; empty means none. */
  GATEWAY_URL?: string;
  /** How long after a write its ids reach the global index, in ms (default 5000). */
  INDEX_DELAY_MS?: string;
  /** Set only by `npm run bench`: the token its seeding route requires (worker/routes/bench.ts). */
  AO_BENCH_TOKEN?: string;
}

/** Hono's environment type for this app. */
export type AppEnv = { Bindings: Env };

// Types `env` from "cloudflare:workers" (and the test pool's env) with these bindings.
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
type WorkerEnv = Env;
