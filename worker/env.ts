/**
 * The worker's environment. Bindings and [vars] come from wrangler.toml through `npm run types`
 * (`wrangler types`, into worker-configuration.d.ts, checked by `npm test`); what an operator may
 * set besides them (secrets and optional variables) is declared here.
 */

declare global {
  namespace Cloudflare {
    interface Env {
      /** Ed25519 seed (hex or base64url) or a JWK; `npm start` fills it from SCHEDULER_KEY_FILE too. */
      SCHEDULER_KEY?: string;
      /** How long after a write its ids reach the global index, in ms (default 5000). */
      INDEX_DELAY_MS?: string;
      /** This node's public URL: when set, it publishes its scheduler-location record and keeps it renewed. */
      PUBLIC_URL?: string;
      /** An ANS-104 bundler (`POST <url>/tx`) that location records (and spawned processes) are uploaded to. */
      UPLOAD_URL?: string;
      /** The Variant of this node's location record: ao.TN.1 (default) or ao.N.1. */
      SCHEDULER_VARIANT?: string;
      /** Lifetime of this node's location record, in ms (default 7 days). */
      LOCATION_TTL_MS?: string;
      /** Whether a `?hint=<url>` in a process id is followed (default true). */
      SCHEDULER_FOLLOW_HINTS?: string;
      /** false: answer requests for remote processes with a 307 to their scheduler instead of proxying. */
      SCHEDULER_FOLLOW_REDIRECTS?: string;
      /** How long a remote scheduler may take to answer, in ms (default 10000). */
      REMOTE_TIMEOUT_MS?: string;
      /**
       * `allow`: hints and location records may send this node to loopback and private addresses.
       * `npm start` sets it from HOST (allow on loopback); unset, as deployed, means deny.
       */
      REMOTE_PRIVATE?: string;
      /** false: a message posted for a remote process has its assignment cached before the answer instead of after it. */
      REMOTE_CACHE_ASYNC?: string;
      /** Set only by `npm run bench`: the token its seeding route requires (http/routes/bench.ts). */
      AO_BENCH_TOKEN?: string;
    }
  }
}

export type Env = Cloudflare.Env;

/** Hono's environment type for this app. */
export type AppEnv = { Bindings: Env };
