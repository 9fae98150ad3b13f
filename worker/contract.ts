/**
 * The process contract (D19, docs/architecture.md): what routes ask of one AO process, wherever
 * its schedule lives. This node's ProcessObject answers it for the processes it schedules, the
 * MirrorObject for processes another scheduler holds; routes see only `ProcessTarget`
 * (routing/targets.ts). Results cross Durable Object RPC as `Outcome`s, because thrown errors lose
 * their fields on the way.
 */
import type { PlaceOptions } from "../src/schedule/scheduler.ts";
import type { LegacyQuery } from "../src/schedule/legacy-range.ts";
import type { StoredSlot } from "../src/schedule/store.ts";
import type { Variant } from "../src/remote/client.ts";
import type { FrameFormat } from "../src/remote/live.ts";

export interface ReadQuery {
  from: number;
  to?: number | undefined;
  limit: number;
  maxBytes: number;
}

export interface ReadResult {
  slots: StoredSlot[];
  continues: boolean;
  current: number;
}

export interface LegacyReadResult {
  slots: StoredSlot[];
  hasNextPage: boolean;
  current: number;
}

export interface SlotState {
  current: number;
  timestamp: number | undefined;
  height: number;
  /** The scheduler that holds the process, when it is not this node. */
  scheduler?: string | undefined;
}

/** A scheduling result as it crosses RPC back to the routes. */
export interface ScheduledWire {
  slot: number;
  /** Raw assignment bytes. */
  assignment: Uint8Array;
  assignmentId: string;
  created: boolean;
  /** The item's bytes (the assignment's `body`) for an existing slot; for a new one the caller has them. */
  message: Uint8Array | undefined;
  messageId: string;
  /** The assignment's Timestamp and Block-Height, so answers need not parse it again. */
  timestamp: number;
  height: number;
  /** Set when another scheduler made the assignment (this node only passed the item on). */
  proxied?: true;
}

/** Where a process held elsewhere lives: its scheduler's URL, variant and address (from its location record). */
export interface RemoteRef {
  url: string;
  variant: Variant;
  address: string | undefined;
}

/** A live subscription asked for (docs/live.md): from which slot, in which frames. */
export interface SubscribeQuery {
  from: number;
  format: FrameFormat;
}

/** The calls routes make about one process. */
export interface ProcessTarget {
  schedule(raw: Uint8Array, id: string, opts: PlaceOptions): Promise<ScheduledWire>;
  read(q: ReadQuery): Promise<ReadResult>;
  readLegacy(q: LegacyQuery): Promise<LegacyReadResult>;
  state(): Promise<SlotState>;
  next(q: ReadQuery, waitMs: number): Promise<ReadResult>;
  slot(which: number | "latest"): Promise<StoredSlot | undefined>;
  find(id: string): Promise<StoredSlot | undefined>;
  /** Answers a WebSocket upgrade with a live subscription (101), or throws its refusal (404, 429, a remote's failure: contract.ts upgraded). */
  subscribe(q: SubscribeQuery): Promise<Response>;
}

/**
 * A subscription travels to an object as a WebSocket upgrade to its `fetch` (RPC cannot carry a
 * WebSocket): the process, the query and, for the cache of a remote process, its scheduler.
 */
export function subscribeRequest(pid: string, q: SubscribeQuery, remote?: RemoteRef): Request {
  const url = new URL("http://object/subscribe");
  url.searchParams.set("pid", pid);
  url.searchParams.set("from", String(q.from));
  url.searchParams.set("format", q.format);
  if (remote) {
    url.searchParams.set("url", remote.url);
    url.searchParams.set("variant", remote.variant);
    if (remote.address) url.searchParams.set("address", remote.address);
  }
  return new Request(url, { headers: { upgrade: "websocket" } });
}

/** What subscribeRequest put in. */
export function readSubscribeRequest(r: Request): { pid: string; q: SubscribeQuery; remote: RemoteRef | undefined } {
  const p = new URL(r.url).searchParams;
  const url = p.get("url");
  const remote = url ? { url, variant: p.get("variant") as Variant, address: p.get("address") ?? undefined } : undefined;
  return { pid: p.get("pid") ?? "", q: { from: Number(p.get("from")), format: p.get("format") === "ans104" ? "ans104" : "json" }, remote };
}

export type Failure = { ok: false; code: string; message: string; details?: Record<string, string | number> };
export type Outcome<T> = { ok: true; value: T } | Failure;

/** Unwraps an RPC outcome, throwing its failure as a coded error (http/errors.ts maps it to a status). */
export function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw Object.assign(new Error(o.message), { code: o.code, details: o.details });
}

// An object's `fetch` answers a Response, not an Outcome: a subscription it refuses before the
// upgrade carries its Failure in a marked answer, and the worker throws it as it would unwrap one.
const REFUSED = "x-object-refused";

/** A subscription refused before its upgrade, as the object answers it. */
export const refusedUpgrade = (f: Failure): Response => Response.json(f, { headers: { [REFUSED]: "1" } });

/**
 * The object's answer to a subscription: the upgrade, or its refusal thrown as the worker throws
 * its own (a marked Failure as a coded error; a JSON `{error}` the object answered itself, such as
 * its subscriber limit, with that status), so every refusal is answered as every error is.
 */
export async function upgraded(r: Response): Promise<Response> {
  if (r.status === 101) return r;
  if (r.headers.has(REFUSED)) return unwrap<Response>((await r.json()) as Failure);
  const refused = (await r.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (typeof refused?.error !== "string") return r;
  throw Object.assign(new Error(refused.error), { status: r.status });
}
