/**
 * One Durable Object per remote process: this node's verified cache of a schedule another
 * scheduler holds (docs/remote.md). The same SQLite layout as a ProcessObject, marked as a
 * mirror; it never schedules. Reads serve the cached prefix and fetch only the rest through the
 * src/remote pipeline, which checks every slot before it is kept. It answers the same reads as a
 * ProcessObject, so routes treat both alike (worker/targets.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { SchedulerClient } from "../../src/remote/client.ts";
import { REMOTE_TIMEOUT_MS, type Answer } from "../../src/remote/http.ts";
import type { ForkProof } from "../../src/remote/fork-proof.ts";
import { CLOSE, closeReason, followSocket, type LiveSocket } from "../../src/remote/live.ts";
import { checkDestination } from "../../src/remote/url-policy.ts";
import { Mirror } from "../../src/remote/mirror.ts";
import { signerOf, verifySlot } from "../../src/remote/verify.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { readLegacy, readRange, type LegacyQuery } from "../../src/schedule/legacy-range.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { readSubscribeRequest, refusedUpgrade, type LegacyReadResult, type Outcome, type ReadQuery, type ReadResult, type RemoteRef, type ScheduledWire, type SlotState } from "../contract.ts";
import { privateAccess, subscriberLimit } from "../config.ts";
import { COUNTER_FLUSH_MS, noCacheCounts, type CacheCounts } from "./counters.ts";
import { outcome } from "./outcome.ts";
import { SqliteStore } from "./sqlite-store.ts";
import { Subscribers } from "./subscribers.ts";

/** What one RPC call did: whether it had to ask the remote. */
type Op = { fetched: boolean };

/** A `next` that finds a prefetch in flight waits this long for it before fetching itself (HyperBEAM's LOOKAHEAD_TIMEOUT). */
export const LOOKAHEAD_TIMEOUT_MS = 200;
/** How often a waiting `next`, or a live follow of a scheduler that cannot push, asks the remote whether new slots exist. */
const POLL_MS = 500;
/** A live follow that failed tries again after this long, doubling up to FOLLOW_RETRY_MAX_MS. */
const FOLLOW_RETRY_MS = 1000;
const FOLLOW_RETRY_MAX_MS = 30_000;
/** Failures of a followed scheduler that no retry mends: its subscribers are told why. */
const FATAL = new Set(["verification-failed", "fork", "remote-rejected", "refused-destination"]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class MirrorObject extends DurableObject<Env> {
  readonly #store: SqliteStore;
  #mirror: Mirror | undefined;
  #prefetch: { upTo: number; done: Promise<unknown> } | undefined;
  /** Counts since the last report to the NodeObject (counters.ts), and whether that report is due. */
  #counts = noCacheCounts();
  #reportDue = false;
  readonly #subscribers: Subscribers;
  /** The live follow of the remote scheduler while anyone subscribes, and its upstream socket when it pushes. */
  #following: Promise<void> | undefined;
  #followed: { pid: string; remote: RemoteRef } | undefined;
  #upstream: WebSocket | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A posted assignment is cached after its answer by default (pages are written whole before they are served: appendAll).
    this.#store = new SqliteStore(ctx.storage, {
      deferred: env.REMOTE_CACHE_ASYNC !== "false",
      afterWrite: (rows) => this.#subscribers.written(rows),
      onWriteFailure: (err) => ctx.abort(`mirror write failed: ${String(err)}`),
    });
    this.#subscribers = new Subscribers(ctx, this.#store, subscriberLimit(env));
    // A follow never sleeps, so sockets found on waking have lost theirs: they subscribe again.
    if (this.#subscribers.count > 0) this.#subscribers.closeAll(CLOSE.restart, "the node restarted this follow; subscribe again from your next slot");
  }

  /**
   * A live subscription to a process another scheduler holds (docs/live.md): served from this
   * cache, while the object follows the scheduler (subscribing to it when it is a node of this
   * kind, polling it otherwise) and keeps, and so pushes, only slots that pass every check.
   */
  override async fetch(request: Request): Promise<Response> {
    const { pid, q, remote } = readSubscribeRequest(request);
    if (!remote) return refusedUpgrade({ ok: false, code: "bad-request", message: "no scheduler given for a remote process" });
    const m = this.#open(pid, remote);
    // The remote holds the process (and slot 0 is checked and kept); a failure is counted as a read's is.
    const checked = await this.#served(async () => m.syncTo(0), false);
    if (!checked.ok) return refusedUpgrade(checked);
    const answer = this.#subscribers.open(pid, q);
    if (answer.status === 101) this.#follow(pid, remote);
    return answer;
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    this.#subscribers.message(ws, data);
  }

  override webSocketClose(ws: WebSocket): void {
    this.#left(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.#left(ws);
  }

  #left(ws: WebSocket): void {
    this.#subscribers.closed(ws);
    if (this.#subscribers.count === 0) this.#upstream?.close(1000, "no subscribers left");
  }

  /**
   * Follows the remote while anyone subscribes: what it adds is fetched, checked and kept, and the
   * subscribers get it from the store. The latest subscription names the scheduler followed.
   */
  #follow(pid: string, remote: RemoteRef): void {
    const before = this.#followed?.remote;
    if (before && (before.url !== remote.url || before.variant !== remote.variant)) this.#upstream?.close(1000, "following the scheduler at another URL");
    this.#followed = { pid, remote };
    if (this.#following) return;
    this.#following = this.#followLoop().finally(() => (this.#following = undefined));
  }

  async #followLoop(): Promise<void> {
    let followed: RemoteRef | undefined;
    let pushes = false;
    let retry = 0;
    while (this.#subscribers.count > 0 && this.#followed) {
      const { pid, remote } = this.#followed;
      const m = this.#open(pid, remote);
      if (followed !== remote) {
        followed = remote;
        pushes = remote.variant === "ao.N.1"; // only a node of this kind can push
      }
      try {
        await m.syncTo(); // to the remote's end, page by page
        retry = 0;
        // A scheduler that refuses the upgrade, or fails it, is polled for the rest of this follow.
        const ws = pushes ? await this.#subscribeUpstream(m).catch(() => undefined) : undefined;
        if (ws) {
          // Until it closes; then the loop fetches what the gap missed and subscribes again.
          await followSocket(ws as unknown as LiveSocket, m.processId, async (s) => void (await m.accept([s])));
        } else {
          pushes = false;
          await sleep(POLL_MS);
        }
      } catch (err) {
        const e = err as { code?: string; message?: string };
        if (e.code && FATAL.has(e.code)) {
          console.warn(`live follow of ${pid} at ${remote.url} stopped: ${e.message}`);
          return this.#subscribers.closeAll(CLOSE.remoteFailed, closeReason(String(e.message)));
        }
        retry = Math.min(FOLLOW_RETRY_MAX_MS, Math.max(FOLLOW_RETRY_MS, retry * 2));
        await sleep(retry);
      } finally {
        this.#upstream = undefined;
      }
    }
  }

  /** A subscription to the remote from the slot after the kept ones, or undefined when it cannot push (no such route there). */
  async #subscribeUpstream(m: Mirror): Promise<WebSocket | undefined> {
    const from = (await this.#kept()) + 1;
    const url = `${m.client.url}/${m.processId}/subscribe?from=${from}&accept=application/ans104`;
    checkDestination(url, privateAccess(this.env)); // where.ts checked the scheduler's URL; this is its subscription
    const timeoutMs = Number(this.env.REMOTE_TIMEOUT_MS) || REMOTE_TIMEOUT_MS;
    const res = await fetch(url, { headers: { upgrade: "websocket" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 101 || !res.webSocket) {
      await res.body?.cancel();
      return undefined;
    }
    res.webSocket.accept();
    if (this.#subscribers.count === 0) res.webSocket.close(1000, "no subscribers left");
    this.#upstream = res.webSocket;
    return res.webSocket;
  }

  #open(pid: string, remote: RemoteRef): Mirror {
    const m = this.#mirror;
    if (m && m.client.url === remote.url && m.client.variant === remote.variant) return m;
    const timeoutMs = Number(this.env.REMOTE_TIMEOUT_MS) || REMOTE_TIMEOUT_MS;
    // Every request, each redirect hop included, passes the destination policy (where.ts checked the URL already).
    const onAnswer = (a: Answer) => {
      this.#counts.fetches++;
      this.#counts.bytes += a.body.length;
    };
    const client = new SchedulerClient(remote.url, remote.variant, { timeoutMs, privateAccess: privateAccess(this.env), onAnswer });
    // A fork between two validly signed assignments is kept as a proof, node-wide (GET /~scheduler@1.0/forks).
    const onFork = (proof: ForkProof) => this.env.NODE.getByName("node").keepFork(proof);
    this.#mirror = new Mirror({ client, store: this.#store, processId: pid, scheduler: remote.address, onFork });
    return this.#mirror;
  }

  async #kept(): Promise<number> {
    return (await this.#store.last())?.slot ?? -1;
  }

  /**
   * Makes sure slots up to `to` are kept (to the remote's end when undefined); answers whether more
   * exist after them. `op` is told when the remote had to be asked.
   */
  async #cover(m: Mirror, to: number | undefined, op: Op): Promise<boolean> {
    const kept = await this.#kept();
    if (to !== undefined && kept >= to) return false;
    op.fetched = true;
    return (await m.syncTo(to)).continues;
  }

  /**
   * Every RPC method: the work, its failure answered as a value, and counted: a read served from
   * the cache alone is a hit, one that asked the remote a miss (`classify`); a failed check or a
   * fork is counted too.
   */
  #served<T>(work: (op: Op) => Promise<T>, classify = true): Promise<Outcome<T>> {
    const op: Op = { fetched: false };
    return outcome(async () => {
      try {
        const value = await work(op);
        if (classify) this.#counts[op.fetched ? "misses" : "hits"]++;
        return value;
      } catch (err) {
        this.#countFailure(err);
        throw err;
      } finally {
        this.#report();
      }
    });
  }

  #countFailure(err: unknown): void {
    const code = (err as { code?: unknown })?.code;
    if (code === "verification-failed") this.#counts.verifyFailures++;
    else if (code === "fork") this.#counts.forks++;
  }

  /** Reports the counts to the NodeObject a few seconds from now (one alarm at a time). */
  #report(): void {
    if (this.#reportDue) return;
    this.#reportDue = true;
    this.ctx.storage.setAlarm(Date.now() + COUNTER_FLUSH_MS).catch((err: unknown) => {
      this.#reportDue = false;
      console.error("remote-schedule cache: arming its counters' report failed; the next read retries", err);
    });
  }

  override async alarm(): Promise<void> {
    const counts = this.#counts;
    this.#counts = noCacheCounts();
    this.#reportDue = false;
    try {
      await this.env.NODE.getByName("node").cacheCounts(counts);
    } catch (err) {
      for (const k of Object.keys(counts) as (keyof CacheCounts)[]) this.#counts[k] += counts[k];
      throw err; // the runtime retries the alarm
    }
  }

  /** HyperBEAM pages: the cached prefix, fetching only what is missing. */
  read(pid: string, remote: RemoteRef, q: ReadQuery): Promise<Outcome<ReadResult>> {
    return this.#served(async (op) => {
      const m = this.#open(pid, remote);
      const end = q.to ?? q.from + q.limit - 1;
      const more = await this.#cover(m, end, op);
      const current = await this.#kept();
      const r = await readRange({ store: this.#store, current }, { ...q, to: Math.min(end, q.to ?? end) });
      // Unbounded reads continue when the remote has slots after what this page could hold.
      return { slots: r.slots, continues: r.continues || (q.to === undefined && more), current };
    });
  }

  /** Legacy pages: nonce ranges are slot ranges; timestamp ranges need the prefix up to past `to`. */
  readLegacy(pid: string, remote: RemoteRef, q: LegacyQuery): Promise<Outcome<LegacyReadResult>> {
    return this.#served(async (op) => {
      const m = this.#open(pid, remote);
      if (q.mode === "nonce") {
        await this.#cover(m, q.to ?? (q.from ?? -1) + q.limit + 1, op);
      } else {
        // Fetch until the kept prefix reaches past `to` (or past `from` by a whole page), or the remote's end.
        for (;;) {
          const last = await this.#store.last();
          const firstAfter = q.from === undefined ? 0 : await this.#store.firstSlotAfter(q.from);
          if (last && ((q.to !== undefined && last.timestamp > q.to) || (firstAfter !== undefined && last.slot - firstAfter >= q.limit))) break;
          op.fetched = true;
          const p = await m.step();
          if (!p.continues) break;
        }
      }
      const current = await this.#kept();
      return { ...(await readLegacy({ store: this.#store, current }, q)), current };
    });
  }

  /** The remote's current slot, asked live. */
  state(pid: string, remote: RemoteRef): Promise<Outcome<SlotState>> {
    return this.#served(async (op) => {
      const m = this.#open(pid, remote);
      const s = await m.client.slot(pid);
      return { current: s.current, timestamp: s.timestamp, height: s.height ?? 0, scheduler: remote.address ?? (await this.#signerOfSlot0(m, op)) };
    }, false);
  }

  /** The CU's `next`: from the cache; a prefetch of the following batch starts after each answer. */
  next(pid: string, remote: RemoteRef, q: ReadQuery, waitMs: number): Promise<Outcome<ReadResult>> {
    return this.#served(async (op) => {
      const m = this.#open(pid, remote);
      const want = q.from + q.limit - 1;
      const deadline = Date.now() + waitMs;
      if ((await this.#kept()) < q.from && this.#prefetch && this.#prefetch.upTo >= q.from) {
        await Promise.race([this.#prefetch.done.catch(() => {}), sleep(LOOKAHEAD_TIMEOUT_MS)]);
      }
      let more = (await this.#kept()) >= want ? true : await this.#cover(m, want, op);
      while ((await this.#kept()) < q.from && Date.now() < deadline) {
        await sleep(Math.min(POLL_MS, deadline - Date.now()));
        more = await this.#cover(m, want, op);
      }
      const current = await this.#kept();
      const r = await readRange({ store: this.#store, current }, { ...q, to: want });
      if (r.slots.length > 0) this.#prefetchAfter(m, r.slots.at(-1)!.slot, q.limit);
      return { slots: r.slots, continues: r.continues || more, current };
    });
  }

  #prefetchAfter(m: Mirror, last: number, batch: number): void {
    const upTo = last + batch;
    if (this.#prefetch && this.#prefetch.upTo >= upTo) return;
    const done = m.syncTo(upTo).catch((err) => {
      this.#countFailure(err);
      console.warn(`prefetch after slot ${last}: ${(err as Error).message}`);
    });
    this.#prefetch = { upTo, done };
    this.ctx.waitUntil(done);
  }

  /** One slot, or the remote's latest. */
  slot(pid: string, remote: RemoteRef, which: number | "latest"): Promise<Outcome<StoredSlot | undefined>> {
    return this.#served(async (op) => {
      const m = this.#open(pid, remote);
      op.fetched ||= which === "latest"; // the latest is the remote's to say
      const at = which === "latest" ? (await m.client.slot(pid)).current : which;
      if (at < 0) return undefined;
      await this.#cover(m, at, op);
      return this.#store.get(at);
    });
  }

  /** A slot only if it is already cached (nothing is fetched). */
  cached(_pid: string, slot: number): Promise<Outcome<StoredSlot | undefined>> {
    return outcome(() => this.#store.get(slot));
  }

  /** The slot holding `id` as its message or assignment, fetching the rest of the schedule if needed. */
  find(pid: string, remote: RemoteRef, id: string): Promise<Outcome<StoredSlot | undefined>> {
    return this.#served(async (op) => {
      const cached = await this.#slotOf(id);
      if (cached !== undefined) return this.#store.get(cached);
      // The process itself is slot 0; anything else may be anywhere in the schedule.
      await this.#cover(this.#open(pid, remote), id === pid ? 0 : undefined, op);
      const slot = await this.#slotOf(id);
      return slot === undefined ? undefined : this.#store.get(slot);
    });
  }

  /** Who signed slot 0 (fetched if need be): the scheduler of a process found through a hint. */
  async #signerOfSlot0(m: Mirror, op: Op): Promise<string | undefined> {
    await this.#cover(m, 0, op);
    const first = await this.#store.get(0);
    return first && signerOf(first.assignment, first.assignmentId);
  }

  async #slotOf(id: string): Promise<number | undefined> {
    return (await this.#store.slotOfMessage(id)) ?? (await this.#store.slotOfAssignment(id));
  }

  /** Posts a verified item to the remote; its assignment comes back checked (signer, process, message). */
  schedule(pid: string, remote: RemoteRef, raw: Uint8Array, id: string): Promise<Outcome<ScheduledWire>> {
    return this.#served(async () => {
      const m = this.#open(pid, remote);
      const posted = await m.client.post(pid, raw, id);
      const kept = await this.#store.last();
      // The chain can be checked when the slot before it is kept; otherwise everything else is.
      const previous = kept && kept.slot === posted.slot - 1 ? await m.head() : undefined;
      // The message is the item the worker verified before passing it on.
      const { stored } = await verifySlot({ ...posted, messageVerified: true }, { processId: pid, scheduler: remote.address }, previous ?? "unknown");
      if (previous) await this.#store.append(stored);
      const info = readAssignment(parseItem(stored.assignment, NO_LIMITS, stored.assignmentId));
      return { slot: stored.slot, assignment: stored.assignment, assignmentId: stored.assignmentId, created: true, message: undefined, messageId: stored.messageId, timestamp: info.timestamp, height: info.height, proxied: true };
    }, false);
  }
}
