/**
 * The operator's say over writes (docs/security.md "Who may write"): who may spawn processes on
 * this node (SPAWN_ALLOW), and how many writes a signer and a client address may make a minute
 * (RATE_LIMIT_SIGNER, RATE_LIMIT_IP). Unset, nothing is checked and nothing costs.
 *
 * Rate limits are token buckets in the isolate's memory: one bucket per key, O(1) a request, at
 * most BUCKETS keys of each kind (one unused while BUCKETS/2 to BUCKETS new ones came is
 * forgotten). That is the whole rule on `npm start` (one isolate). Deployed, Cloudflare runs
 * many isolates, so the same rule is also asked of Cloudflare's rate-limiting bindings
 * (SIGNER_RATE_LIMIT, IP_RATE_LIMIT) when `npm run deploy` configured them: counted per
 * Cloudflare location, not per isolate.
 */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { BoundedCache } from "../../src/crypto/bounded-cache.ts";
import { addressOfKey, isId } from "../../src/crypto/ids.ts";
import type { Env } from "../env.ts";

/** Keys remembered per kind of limit. */
export const BUCKETS = 10_000;
/** The period every limit counts over (one of the two Cloudflare's binding takes). */
export const LIMIT_PERIOD_S = 60;

/** A refusal with its own status (http/errors.ts passes `status`, `headers` and `details` on). */
export class WriteRefused extends Error {
  readonly status: number;
  readonly headers: Record<string, string> | undefined;
  readonly details: Record<string, string | number>;

  constructor(status: number, message: string, details: Record<string, string | number>, headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

/** Token buckets by key: `limit` writes a period, refilled continuously. */
export class TokenBuckets {
  readonly limit: number;
  readonly #perMs: number;
  readonly #buckets = new BoundedCache<{ tokens: number; at: number }>(BUCKETS);

  constructor(limit: number, periodMs = LIMIT_PERIOD_S * 1000) {
    this.limit = limit;
    this.#perMs = limit / periodMs;
  }

  /** Takes one token for `key`: 0 when allowed, else the seconds until one is free. */
  take(key: string, now: number): number {
    const b = this.#buckets.peek(key);
    if (!b) {
      this.#buckets.set(key, { tokens: this.limit - 1, at: now });
      return 0;
    }
    const tokens = Math.min(this.limit, b.tokens + (now - b.at) * this.#perMs);
    b.at = now;
    if (tokens >= 1) {
      b.tokens = tokens - 1;
      return 0;
    }
    b.tokens = tokens;
    return Math.ceil((1 - tokens) / this.#perMs / 1000);
  }
}

interface Policy {
  spawnAllow: Set<string> | undefined;
  signer: TokenBuckets | undefined;
  ip: TokenBuckets | undefined;
}

let policy: Policy = { spawnAllow: undefined, signer: undefined, ip: undefined };
let from: readonly (string | undefined)[] = [undefined, undefined, undefined];

/** This isolate's policy, read again only when a setting changed (tests run several environments). */
function policyOf(env: Env): Policy {
  if (env.SPAWN_ALLOW === from[0] && env.RATE_LIMIT_SIGNER === from[1] && env.RATE_LIMIT_IP === from[2]) return policy;
  const read: Policy = { spawnAllow: allowList(env.SPAWN_ALLOW), signer: buckets("RATE_LIMIT_SIGNER", env.RATE_LIMIT_SIGNER), ip: buckets("RATE_LIMIT_IP", env.RATE_LIMIT_IP) };
  policy = read;
  from = [env.SPAWN_ALLOW, env.RATE_LIMIT_SIGNER, env.RATE_LIMIT_IP];
  return read;
}

const unusable = (message: string) => new WriteRefused(503, message, {});

function allowList(value: string | undefined): Set<string> | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.find((a) => !isId(a));
  if (bad !== undefined) throw unusable(`SPAWN_ALLOW must be a comma-separated list of 43-character addresses; ${JSON.stringify(bad.slice(0, 60))} is not one`);
  return new Set(list);
}

function buckets(name: string, value: string | undefined): TokenBuckets | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) throw unusable(`${name} must be a whole number of writes a minute from 1 to 9999999; got ${JSON.stringify(value.slice(0, 40))}`);
  return new TokenBuckets(Number(value));
}

function tooMany(kind: "signer" | "ip", key: string, limit: number, retryAfter: number): WriteRefused {
  const who = kind === "signer" ? `signer ${key}` : `address ${key}`;
  return new WriteRefused(429, `too many writes from ${who}: at most ${limit} a minute on this node; retry after ${retryAfter} s`, { [kind]: key, limit, "retry-after": retryAfter }, { "retry-after": String(retryAfter) });
}

/** Asks Cloudflare's binding too, when deployed with one: a refusal there waits out its period. */
async function askBinding(binding: RateLimit, key: string, refusal: () => WriteRefused): Promise<void> {
  if (!(await binding.limit({ key })).success) throw refusal();
}

/**
 * A write (any POST) from client address `ip` (`cf-connecting-ip`: Cloudflare's edge sets it
 * deployed, the local front from the connection): a 429 past RATE_LIMIT_IP. Synchronous unless a
 * binding must be asked.
 */
export function checkWriteFrom(env: Env, ip: string): Promise<void> | undefined {
  const limits = policyOf(env).ip;
  if (!limits) return undefined;
  const wait = limits.take(ip, Date.now());
  if (wait > 0) throw tooMany("ip", ip, limits.limit, wait);
  return env.IP_RATE_LIMIT && askBinding(env.IP_RATE_LIMIT, ip, () => tooMany("ip", ip, limits.limit, LIMIT_PERIOD_S));
}

/**
 * A verified item about to be scheduled: a spawn by an owner SPAWN_ALLOW does not name is a 403
 * naming the owner; any write past RATE_LIMIT_SIGNER is a 429. Synchronous unless a binding must be asked.
 */
export function checkWriteBy(env: Env, item: DataItem, spawn: boolean): Promise<void> | undefined {
  const p = policyOf(env);
  if (spawn && p.spawnAllow) {
    const owner = addressOfKey(item.owner);
    if (!p.spawnAllow.has(owner)) {
      throw new WriteRefused(403, `owner ${owner} may not spawn processes on this node: SPAWN_ALLOW does not name it`, { owner });
    }
  }
  const limits = p.signer;
  if (!limits) return undefined;
  const signer = addressOfKey(item.owner); // hashed once per key
  const wait = limits.take(signer, Date.now());
  if (wait > 0) throw tooMany("signer", signer, limits.limit, wait);
  return env.SIGNER_RATE_LIMIT && askBinding(env.SIGNER_RATE_LIMIT, signer, () => tooMany("signer", signer, limits.limit, LIMIT_PERIOD_S));
}
