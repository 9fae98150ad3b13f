/**
 * Scheduler-location records: an ANS-104 item, signed by a scheduler's key, that says where it
 * is reached (hyperbeam-scheduler.md §1.8, §5.3). Tags: `Data-Protocol=ao`, `Variant`,
 * `Type=Scheduler-Location`, `Url`, `Nonce` (rises with every new record of a signer),
 * `Time-To-Live` (ms) and, on ours, `Timestamp` (ms, when it was signed).
 *
 * A record expires `Time-To-Live` after its `Timestamp`, or after it was received when it has none
 * (AO's own legacy records have none, and schedulers read them as a cache entry's lifetime).
 */
import type { DataItem } from "../ans104/data-item.ts";
import { signItem } from "../ans104/sign.ts";
import { tagValueAnyCase, type Tag } from "../ans104/tags.ts";
import { verdictMessage, verifyItem } from "../ans104/verify.ts";
import { randomBytes } from "../crypto/bytes.ts";
import { addressOf } from "../crypto/ids.ts";
import type { Signer } from "../crypto/signers.ts";
import { VARIANTS, type Variant } from "./client.ts";
import { RemoteError } from "./errors.ts";

/** Seven days, HyperBEAM's `scheduler_location_ttl`. */
export const LOCATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface LocationRecord {
  /** The signer: the scheduler this record locates. */
  address: string;
  url: string;
  variant: Variant;
  nonce: number;
  ttl: number;
  /** When it was signed (ms), if it says. */
  timestamp: number | undefined;
  id: string;
  raw: Uint8Array;
}

export interface LocationFields {
  url: string;
  variant: Variant;
  nonce: number;
  ttl: number;
  timestamp: number;
}

function bad(message: string): RemoteError {
  return new RemoteError("bad-location", `scheduler-location record: ${message}`);
}

/**
 * A scheduler's URL (a hint, a record's Url): http(s) without query or fragment, trailing slashes
 * dropped; throws a 400-coded error naming `name` and the problem.
 */
export function schedulerUrl(text: string, name = "hint"): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    throw new RemoteError("bad-location", `${name} must be an http(s) URL without query or fragment, got ${JSON.stringify(text.slice(0, 200))}`);
  }
  return text.replace(/\/+$/, "");
}

/** A location record's Url: a scheduler URL without credentials (no node follows one, and a record shows them to everyone). */
export function locationUrl(text: string): string {
  const url = schedulerUrl(text, "scheduler-location record: Url");
  const { protocol, username, password, host } = new URL(url);
  if (username || password) throw bad(`Url must carry no credentials (user:password@), got ${JSON.stringify(`${protocol}//…@${host}`)}`);
  return url;
}

export function locationTags(f: LocationFields): Tag[] {
  return [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: f.variant },
    { name: "Type", value: "Scheduler-Location" },
    { name: "Url", value: f.url },
    { name: "Nonce", value: String(f.nonce) },
    { name: "Time-To-Live", value: String(f.ttl) },
    { name: "Timestamp", value: String(f.timestamp) },
  ];
}

/** Signs a new record. */
export async function signLocation(signer: Signer, f: LocationFields): Promise<LocationRecord> {
  const item = await signItem(signer, { anchor: randomBytes(32), tags: locationTags({ ...f, url: locationUrl(f.url) }) });
  return readLocation(item);
}

const whole = (text: string | undefined, name: string, fallback?: number): number => {
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !/^\d{1,16}$/.test(text)) throw bad(`${name} must be a non-negative integer of at most 16 digits, got ${text === undefined ? "none" : JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
};

/** Reads a record's fields (tags checked, signature not: see verifyLocation). */
export function readLocation(item: DataItem): LocationRecord {
  const tag = (name: string) => tagValueAnyCase(item.tags, name);
  const type = tag("Type");
  if (type?.toLowerCase() !== "scheduler-location") throw bad(`Type must be Scheduler-Location, got ${JSON.stringify(type ?? "none")}`);
  const variant = (tag("Variant") ?? "ao.N.1") as Variant; // HyperBEAM's default
  if (!VARIANTS.includes(variant)) throw bad(`Variant must be one of ${VARIANTS.join(", ")}, got ${JSON.stringify(variant)}`);
  const url = tag("Url");
  if (url === undefined) throw bad("it has no Url");
  const ttl = whole(tag("Time-To-Live"), "Time-To-Live");
  if (ttl === 0) throw bad("Time-To-Live must be above 0");
  const timestamp = tag("Timestamp");
  return {
    address: addressOf(item.owner),
    url: locationUrl(url),
    variant,
    nonce: whole(tag("Nonce"), "Nonce", 0), // AO's legacy records carry none
    ttl,
    timestamp: timestamp === undefined ? undefined : whole(timestamp, "Timestamp"),
    id: item.id,
    raw: item.raw,
  };
}

/** Reads a record and checks its signature; `owner`, when given, must be its signer. */
export async function verifyLocation(item: DataItem, owner?: string): Promise<LocationRecord> {
  const verdict = await verifyItem(item);
  if (verdict !== "valid") throw bad(verdictMessage(verdict, item));
  const record = readLocation(item);
  if (owner !== undefined && record.address !== owner) throw bad(`it is signed by ${record.address}, not by ${owner}`);
  return record;
}

/** When a record stops being valid: its TTL after it was signed, or after `receivedAt` when it does not say. */
export const expiresAt = (r: LocationRecord, receivedAt: number): number => (r.timestamp ?? receivedAt) + r.ttl;
