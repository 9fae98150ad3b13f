/**
 * Where a process lives (docs/remote.md), in HyperBEAM's order (hyperbeam-scheduler.md §5.1-5.3),
 * except that this node's own object is asked first: then a `hint` carried with the process id; the
 * process item (from its cache here, or the gateway) and the schedulers its `Scheduler` tag names,
 * this node first, then each one's location record (held here while its Time-To-Live lasts, else
 * looked up on the gateway, verified and owner-checked). Whether a spawn is this node's to
 * schedule is decided here too (spawnPlace), and nowhere else.
 *
 * Every URL found this way (a hint, a record's `Url`) passes the destination policy first
 * (src/remote/url-policy.ts, `REMOTE_PRIVATE`): a hint that breaks it is refused with a 400, a
 * record that breaks it is ignored as if there were none, and nothing is sent.
 *
 * Per isolate, remote answers are cached until their record expires and misses for a short while,
 * so a flood of unknown ids reaches the gateway once per id at most every MISS_TTL_MS.
 */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { BoundedCache } from "../../src/crypto/bounded-cache.ts";
import type { Variant } from "../../src/remote/client.ts";
import { detectVariant } from "../../src/remote/detect.ts";
import { RemoteError } from "../../src/remote/errors.ts";
import { REMOTE_TIMEOUT_MS, unanswered } from "../../src/remote/http.ts";
import { gatewayItem, gatewayLocation } from "../../src/remote/gateway.ts";
import { expiresAt, schedulerUrl, verifyLocation, type LocationRecord } from "../../src/remote/location.ts";
import { checkDestination } from "../../src/remote/url-policy.ts";
import { checkProcess, namedSchedulers } from "../../src/schedule/classify.ts";
import { unwrap, type RemoteRef } from "../contract.ts";
import { privateAccess } from "../config.ts";
import type { Env } from "../env.ts";
import { schedulerSigner } from "../objects/signer.ts";

export type Place = { kind: "local" } | { kind: "remote"; remote: RemoteRef; via: "hint" | "location" };

/** How long "no such process anywhere" is remembered per isolate. */
export const MISS_TTL_MS = 30_000;

const places = new BoundedCache<{ place: Place; until: number }>(10_000);
const misses = new BoundedCache<number>(10_000);
const records = new BoundedCache<{ record: LocationRecord; until: number }>(1_000);

/** Forgets what this isolate learnt (tests). */
export function forgetPlaces(): void {
  places.clear();
  misses.clear();
  records.clear();
  hintVariants.clear();
}

const followHints = (env: Env) => env.SCHEDULER_FOLLOW_HINTS !== "false";

/**
 * A process this isolate already located elsewhere through its Scheduler tag. Such a process can
 * never become this node's (its item names another scheduler), so callers may skip asking the
 * local object first. Hints prove nothing of the kind and are not remembered.
 */
export function knownElsewhere(pid: string): Place | undefined {
  const cached = places.peek(pid);
  return cached && cached.until > Date.now() ? cached.place : undefined;
}

/** A scheduler URL chosen by request data, if this node may send requests there; throws RemoteError("refused-destination") naming the rule. */
export function allowedDestination(env: Env, url: string): string {
  checkDestination(url, privateAccess(env));
  return url;
}

/** How long a hint's detected variant is remembered per isolate. */
export const HINT_VARIANT_TTL_MS = 10 * 60_000;
const hintVariants = new BoundedCache<{ variant: Promise<Variant>; until: number }>(1_000);

/**
 * The scheduler a hint names: its URL, spoken to in the variant it answers to (src/remote/detect.ts:
 * ours as ao.N.1, a legacy SU as ao.TN.1), asked once and remembered with the hint. A HyperBEAM
 * node is spoken to as ao.N.1, HyperBEAM's own default for hints: its aos-2 schedules keep no
 * signatures to verify, and only the dashboard reads them (labelled unverified). So is a URL that
 * answers neither question, without remembering it: the request itself then says what that URL
 * answers, and the next one asks again. A URL that does not answer at all fails the request with
 * that (one deadline, not one per question). Concurrent requests with a new hint share one
 * detection.
 */
export async function hintPlace(env: Env, hint: string): Promise<Place> {
  const url = allowedDestination(env, schedulerUrl(hint));
  const now = Date.now();
  let known: { variant: Promise<Variant>; until: number } | undefined = hintVariants.peek(url);
  if (!known || known.until <= now) {
    const http = { timeoutMs: Number(env.REMOTE_TIMEOUT_MS) || REMOTE_TIMEOUT_MS, privateAccess: privateAccess(env) };
    const variant: Promise<Variant> = detectVariant(url, http).then(
      (d) => (d === "aos-2" ? "ao.N.1" : d),
      (err: unknown) => {
        if (hintVariants.peek(url)?.variant === variant) hintVariants.set(url, { variant, until: 0 });
        // A URL that did not answer at all is not asked again for the request: its failure is the answer.
        if (unanswered(err)) throw err;
        return "ao.N.1";
      },
    );
    known = { variant, until: now + HINT_VARIANT_TTL_MS };
    hintVariants.set(url, known);
  }
  return { kind: "remote", remote: { url, variant: await known.variant, address: undefined }, via: "hint" };
}

/**
 * Where a spawn is scheduled: here when its `Scheduler` tag names this node (it must also carry
 * what a process needs); otherwise at the scheduler it names (as HyperBEAM forwards it), or, when
 * none of them can be found, nowhere: a `no-scheduler` refusal that says whom it names and why.
 */
export async function spawnPlace(env: Env, process: DataItem, hint: string | undefined): Promise<Place> {
  const self = (await schedulerSigner(env)).address;
  try {
    checkProcess(process, self);
    return { kind: "local" };
  } catch (err) {
    if ((err as { code?: string }).code !== "wrong-scheduler") throw err;
  }
  if (hint !== undefined && followHints(env)) return await hintPlace(env, hint);
  return placeByTag(env, process, self);
}

/**
 * Decides where `pid` lives, once this node's object has said it does not hold it (asked first,
 * every time, so a process spawned here is never shadowed by a cached answer).
 */
export async function locate(env: Env, pid: string, o: { hint?: string | undefined; cachedProcess?: () => Promise<Uint8Array | undefined> }): Promise<Place> {
  if (o.hint !== undefined && followHints(env)) return hintPlace(env, o.hint);
  const now = Date.now();
  const cached = places.peek(pid);
  if (cached && cached.until > now) return cached.place;
  if ((misses.peek(pid) ?? 0) > now) throw notFound(pid, env);

  const process = await processItem(env, pid, o.cachedProcess);
  if (!process) {
    misses.set(pid, now + MISS_TTL_MS);
    throw notFound(pid, env);
  }
  return placeByTag(env, process, (await schedulerSigner(env)).address);
}

/** The place a process item's `Scheduler` tag names: this node, or the first named scheduler whose location record resolves. */
async function placeByTag(env: Env, process: DataItem, self: string): Promise<Place> {
  const pid = process.id;
  const named = namedSchedulers(process);
  if (named.length === 0) throw new RemoteError("no-scheduler", `process ${pid} names no scheduler (no Scheduler tag)`);
  if (named.includes(self)) return { kind: "local" };
  const failures: [string, string][] = [];
  for (const address of named) {
    try {
      const found = await locationOf(env, address);
      if ("missing" in found) {
        failures.push([address, found.missing]);
        continue;
      }
      const place: Place = { kind: "remote", remote: { url: allowedDestination(env, found.record.url), variant: found.record.variant, address }, via: "location" };
      places.set(pid, { place, until: found.until });
      return place;
    } catch (err) {
      // The first that resolves wins; a gateway failure on one is reported only if none does. A
      // record whose Url breaks the destination policy is passed over, as if there were none.
      if (named.length === 1 && (err as RemoteError).code !== "refused-destination") throw err;
      failures.push([address, (err as Error).message]);
    }
  }
  const which = named.length === 1 ? `scheduler ${named[0]}, which is` : `schedulers ${named.join(", ")}, which are`;
  const why = named.length === 1 ? failures[0][1] : failures.map(([address, reason]) => `${address}: ${reason}`).join("; ");
  throw new RemoteError("no-scheduler", `process ${pid} names ${which} not this node (${self}) and cannot be located: ${why}`, {
    scheduler: named.join(", "),
    address: self,
  });
}

const noRecord = (env: Env) =>
  env.GATEWAY_URL ? `no location record, here or on the gateway ${env.GATEWAY_URL}` : "no location record here (no GATEWAY_URL is set to look one up)";

function notFound(pid: string, env: Env): RemoteError {
  const where = env.GATEWAY_URL ? `, and the gateway ${env.GATEWAY_URL} does not know it` : " (no GATEWAY_URL is set to look it up)";
  return new RemoteError("not-found", `process ${pid} is not known to this scheduler${where}`);
}

/** The process item: cached by this node, else from the gateway (rebuilt and checked against its id). */
async function processItem(env: Env, pid: string, cachedProcess?: () => Promise<Uint8Array | undefined>): Promise<DataItem | undefined> {
  const cached = await cachedProcess?.();
  if (cached) return parseItem(cached, NO_LIMITS, pid);
  if (!env.GATEWAY_URL) return undefined;
  return gatewayItem(env.GATEWAY_URL, pid);
}

type Located = { record: LocationRecord; until: number } | { missing: string };

/**
 * A scheduler's unexpired location record: this isolate's copy, the node's, or the gateway's (then
 * kept). An expired record is never used, from any of them (docs/remote.md); nor is a gateway
 * record that fails its checks: either way the scheduler cannot be located, and `missing` says why.
 */
async function locationOf(env: Env, address: string): Promise<Located> {
  const now = Date.now();
  const cached = records.peek(address);
  if (cached && cached.until > now) return cached;
  const node = env.NODE.getByName("node");
  const held = await node.location(address);
  if (held && held.expiresAt > now) {
    const found = { record: await verifyLocation(parseItem(held.raw, NO_LIMITS), address), until: held.expiresAt };
    records.set(address, found);
    return found;
  }
  if (!env.GATEWAY_URL) return { missing: noRecord(env) };
  const item = await gatewayLocation(env.GATEWAY_URL, address);
  if (!item) return { missing: noRecord(env) };
  let record: LocationRecord;
  try {
    record = await verifyLocation(item, address);
  } catch (err) {
    if ((err as { code?: string }).code !== "bad-location") throw err;
    return { missing: `its newest location record ${item.id} is unusable (${(err as Error).message})` };
  }
  const until = expiresAt(record, now);
  if (until <= now) return { missing: `its newest location record ${record.id} expired at ${new Date(until).toISOString()} (Timestamp ${record.timestamp} + Time-To-Live ${record.ttl} ms)` };
  allowedDestination(env, record.url); // one that breaks the policy is not kept
  unwrap(await node.keepLocation(record.raw, false));
  const found = { record, until };
  records.set(address, found);
  return found;
}
