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
      /** The most live subscribers one process may have (docs/live.md; default 1000): one more is answered 429. */
      SUBSCRIBERS_PER_PROCESS?: string;
      /**
       * false: each posted item is its own call to its process's object. Default: items posted to one
       * process while calls to it are in flight share the next call (docs/performance.md).
       */
      GROUP_WRITES?: string;
      /** Comma-separated owner addresses allowed to spawn processes on this node; unset: anyone. */
      SPAWN_ALLOW?: string;
      /** Writes a minute one signer may make (unset: no limit). */
      RATE_LIMIT_SIGNER?: string;
      /** Writes (POSTs) a minute one client address may make (unset: no limit). */
      RATE_LIMIT_IP?: string;
      /** Cloudflare's rate-limiting bindings for the same rules, set by `npm run deploy` (docs/deploy.md). */
      SIGNER_RATE_LIMIT?: RateLimit;
      IP_RATE_LIMIT?: RateLimit;
      /** `info` (default): one JSON line per request; `warn`, `error`, `none`: none; `debug`: the same as info. */
      LOG_LEVEL?: string;
      /** Workers Analytics Engine dataset: when bound, one data point per request (docs/deploy.md). */
      ANALYTICS?: AnalyticsEngineDataset;
      /** Set only by `npm run bench`: the token its seeding route requires (http/routes/bench.ts). */
      AO_BENCH_TOKEN?: string;
    }
  }
}

export type Env = Cloudflare.Env;

/** Hono's environment type for this app: `error` is an error answer's message, for the request's log line. */
export type AppEnv = { Bindings: Env; Variables: { error?: string } };
