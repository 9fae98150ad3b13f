/**
 * The one interface routes talk to about a process (worker/contract.ts ProcessTarget; docs/remote.md):
 * schedule, read, state, next, one slot, find. Each call goes to this node's object first (the hot
 * path costs nothing extra); when that object does not hold the process, the resolver (where.ts)
 * finds its scheduler and the call goes to the remote-schedule cache for it (MirrorObject), or,
 * with SCHEDULER_FOLLOW_REDIRECTS=false, the client is sent there with a 307.
 */
import type { Context } from "hono";
import type { LegacyQuery } from "../../src/schedule/legacy-range.ts";
import type { PlaceOptions } from "../../src/schedule/scheduler.ts";
import { subscribeRequest, unwrap, upgraded, type ProcessTarget, type ReadQuery, type RemoteRef, type SubscribeQuery, type Outcome, type ScheduledWire } from "../contract.ts";
import type { AppEnv, Env } from "../env.ts";
import { groupsWrites } from "../config.ts";
import { countWriteCall } from "../http/metrics.ts";
import { Coalescer } from "./coalesce.ts";
import { knownElsewhere, locate, type Place } from "./where.ts";

type C = Context<AppEnv>;

type Write = { raw: Uint8Array; id: string; opts: PlaceOptions };
/** The most item bytes one grouped call carries, well under the 32 MiB RPC limit (a larger item goes alone). */
const GROUP_BYTES = 4 * 1024 * 1024;
/** This isolate's writes to its objects, grouped per process while a call is in flight (coalesce.ts). */
const writes = new Coalescer<Write, Outcome<ScheduledWire>>({ weigh: (w) => w.raw.length, maxWeight: GROUP_BYTES });

/** This node's object for process `pid` (whether or not it holds the process). */
export const processObject = (env: Env, pid: string) => env.PROCESS.getByName(pid);

/** A process held elsewhere: a 307 to its scheduler, same path and query. */
function redirect(c: C, remote: RemoteRef): never {
  const url = new URL(c.req.url);
  const location = remote.url + url.pathname + url.search;
  throw Object.assign(new Error(`process is scheduled by ${remote.url}`), {
    status: 307,
    headers: { location, variant: remote.variant },
    details: { scheduler: remote.url, variant: remote.variant, ...(remote.address ? { address: remote.address } : {}) },
  });
}

/** The remote-schedule cache of `pid`, speaking for its scheduler. */
function remoteTarget(c: C, pid: string, remote: RemoteRef): ProcessTarget {
  const m = c.env.MIRROR.getByName(pid);
  return {
    schedule: async (raw, id) => unwrap(await m.schedule(pid, remote, raw, id)),
    read: async (q) => unwrap(await m.read(pid, remote, q)),
    readLegacy: async (q) => unwrap(await m.readLegacy(pid, remote, q)),
    state: async () => unwrap(await m.state(pid, remote)),
    next: async (q, wait) => unwrap(await m.next(pid, remote, q, wait)),
    slot: async (which) => unwrap(await m.slot(pid, remote, which)),
    find: async (id) => unwrap(await m.find(pid, remote, id)),
    subscribe: async (q) => upgraded(await m.fetch(subscribeRequest(pid, q, remote))),
  };
}

/** The target a known place names: this node's own, or the scheduler's that holds it (or a 307 there). */
export function placedTarget(c: C, pid: string, place: Place): ProcessTarget {
  if (place.kind === "local") return processTarget(c, pid);
  if (c.env.SCHEDULER_FOLLOW_REDIRECTS === "false") redirect(c, place.remote);
  return remoteTarget(c, pid, place.remote);
}

/** Routes one process's calls: this node's object when it holds the process, its scheduler's otherwise. */
export function processTarget(c: C, pid: string, hint?: string): ProcessTarget {
  const elsewhere = knownElsewhere(pid);
  if (elsewhere?.kind === "remote") return placedTarget(c, pid, elsewhere);
  return new LocalFirst(c, pid, hint);
}

/** Asks this node's object first (the hot path: one call); asks the process's scheduler only when the object does not hold the process. */
class LocalFirst implements ProcessTarget {
  readonly #c: C;
  readonly #pid: string;
  readonly #hint: string | undefined;
  readonly #local: ReturnType<typeof processObject>;
  #place: Promise<Place> | undefined;

  constructor(c: C, pid: string, hint: string | undefined) {
    this.#c = c;
    this.#pid = pid;
    this.#hint = hint;
    this.#local = processObject(c.env, pid);
  }

  async schedule(raw: Uint8Array, id: string, opts: PlaceOptions) {
    // A message goes to its process's scheduler when this node does not hold the process.
    const send = (items: Write[]) => {
      countWriteCall(items.length);
      if (items.length === 1) return this.#local.schedule(this.#pid, items[0].raw, items[0].id, items[0].opts).then((o) => [o]);
      return this.#local.scheduleAll(this.#pid, items).then((all) => (all.ok ? all.value : items.map(() => all)));
    };
    const write = { raw, id, opts };
    const r = groupsWrites(this.#c.env) ? await writes.run(this.#pid, write, send, (p) => this.#c.executionCtx.waitUntil(p)) : (await send([write]))[0];
    if (!r.ok && r.code === "unknown-process") {
      const t = await this.#remote();
      if (t) return t.schedule(raw, id, opts);
    }
    return unwrap(r);
  }

  async read(q: ReadQuery) {
    const r = unwrap(await this.#local.read(this.#pid, q));
    return r.current < 0 ? ((await this.#remote())?.read(q) ?? r) : r;
  }

  async readLegacy(q: LegacyQuery) {
    const r = unwrap(await this.#local.readLegacy(this.#pid, q));
    return r.current < 0 ? ((await this.#remote())?.readLegacy(q) ?? r) : r;
  }

  async state() {
    const r = unwrap(await this.#local.state(this.#pid));
    return r.current < 0 ? ((await this.#remote())?.state() ?? r) : r;
  }

  async next(q: ReadQuery, waitMs: number) {
    const r = unwrap(await this.#local.next(this.#pid, q, waitMs));
    return r.current < 0 ? ((await this.#remote())?.next(q, waitMs) ?? r) : r;
  }

  // A miss is asked about again only when this node does not hold the process at all.
  async slot(which: number | "latest") {
    const r = unwrap(await this.#local.slot(this.#pid, which));
    return r === undefined && !(await this.#held()) ? ((await this.#remote())?.slot(which) ?? r) : r;
  }

  async find(id: string) {
    const r = unwrap(await this.#local.find(this.#pid, id));
    return r === undefined && !(await this.#held()) ? ((await this.#remote())?.find(id) ?? r) : r;
  }

  // This node's object answers 404 when it does not hold the process.
  async subscribe(q: SubscribeQuery) {
    const r = await this.#local.fetch(subscribeRequest(this.#pid, q));
    const remote = r.status === 404 ? await this.#remote() : undefined;
    return remote ? remote.subscribe(q) : upgraded(r);
  }

  async #held(): Promise<boolean> {
    return unwrap(await this.#local.state(this.#pid)).current >= 0;
  }

  /**
   * The remote target, or undefined when the process is this node's after all (not spawned yet) or
   * nobody knows it: then this node's own answer stands.
   */
  async #remote(): Promise<ProcessTarget | undefined> {
    const c = this.#c;
    const pid = this.#pid;
    this.#place ??= locate(c.env, pid, { hint: this.#hint, cachedProcess: () => cachedProcess(c, pid) });
    const p = await this.#place.catch((err: { code?: string }) => {
      if (err?.code === "not-found") return { kind: "local" } as const;
      throw err;
    });
    return p.kind === "local" ? undefined : placedTarget(c, pid, p);
  }
}

/** The process item, if this node's cache of its schedule already holds slot 0. */
async function cachedProcess(c: C, pid: string): Promise<Uint8Array | undefined> {
  return unwrap(await c.env.MIRROR.getByName(pid).cached(pid, 0))?.message;
}
