/**
 * One Durable Object per AO process: that process's scheduler (docs/architecture.md). Its
 * single-threaded execution plus the Scheduler's queue serialise slot allocation; its SQLite holds
 * the schedule. Thin on purpose: every decision is in src/schedule, the background work its alarm
 * does is in worker/background.ts, and every RPC method answers an Outcome (worker/outcome.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { parseItem } from "../../src/ans104/parse.ts";
import { readLegacy, type LegacyQuery } from "../../src/schedule/legacy-range.ts";
import { Scheduler, type PlaceOptions, type Scheduled } from "../../src/schedule/scheduler.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { Background } from "./background.ts";
import { ProcessCounters } from "./counters.ts";
import { schedulingMode, subscriberLimit } from "../config.ts";
import { readSubscribeRequest, type LegacyReadResult, type Outcome, type ReadQuery, type ReadResult, type ScheduledWire, type SlotState } from "../contract.ts";
import { outcome } from "./outcome.ts";
import { scheduledWire } from "./scheduled-wire.ts";
import { schedulerSigner } from "./signer.ts";
import { SqliteStore } from "./sqlite-store.ts";
import { Subscribers } from "./subscribers.ts";

export class ProcessObject extends DurableObject<Env> {
  readonly #store: SqliteStore;
  readonly #background: Background;
  readonly #subscribers: Subscribers;
  readonly #counters = new ProcessCounters();
  #scheduler: Promise<Scheduler> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new SqliteStore(ctx.storage, {
      deferred: env.SCHEDULING_MODE === "aggressive", // any other value but the default is refused on open (#open)
      afterWrite: (rows) => {
        this.#background.written(rows);
        this.#subscribers.written(rows);
      },
      // A deferred write failed after its slot was announced: restart from what is durable.
      onWriteFailure: (err) => ctx.abort(`deferred write failed: ${String(err)}`),
    });
    this.#background = new Background(ctx, env, this.#store, this.#counters);
    this.#subscribers = new Subscribers(ctx, this.#store, subscriberLimit(env));
  }

  /** A live subscription (docs/live.md): the worker passes the WebSocket upgrade here (contract.ts subscribeRequest). */
  override async fetch(request: Request): Promise<Response> {
    const { pid, q } = readSubscribeRequest(request);
    const current = await this.#with(pid, (s) => s.current);
    if (!current.ok) return Response.json({ error: current.message }, { status: 503 });
    if (current.value < 0) return Response.json({ error: `process ${pid} is not known to this scheduler` }, { status: 404 });
    return this.#subscribers.open(pid, q);
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    this.#subscribers.message(ws, data);
  }

  override webSocketClose(ws: WebSocket): void {
    this.#subscribers.closed(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.#subscribers.closed(ws);
  }

  /** Schedules a raw item the worker has verified (`id` is the id it computed): a spawn of this process or a message to it. */
  schedule(pid: string, raw: Uint8Array, id: string, opts: PlaceOptions): Promise<Outcome<ScheduledWire>> {
    return this.#with(pid, async (s) => scheduledWire(s, this.#wrote(await s.schedule(parseItem(raw, undefined, id), opts))));
  }

  /** Several items in one call (routing/coalesce.ts), each answered as `schedule` answers it, in order. */
  scheduleAll(pid: string, items: { raw: Uint8Array; id: string; opts: PlaceOptions }[]): Promise<Outcome<Outcome<ScheduledWire>[]>> {
    return outcome(() => Promise.all(items.map((i) => this.schedule(pid, i.raw, i.id, i.opts))));
  }

  /** Legacy `assign`: a new slot naming `messageId`, carrying the item when the node holds it. */
  assign(pid: string, messageId: string, opts: { height?: number; exclude?: string[]; message?: Uint8Array }): Promise<Outcome<ScheduledWire>> {
    return this.#with(pid, async (s) => scheduledWire(s, this.#wrote(await s.assign(messageId, opts))));
  }

  /** Bench only (worker/routes/bench.ts): `count` assignments of one held item, appended in a row. */
  seed(pid: string, messageId: string, message: Uint8Array, count: number): Promise<Outcome<{ current: number }>> {
    return this.#with(pid, async (s) => {
      for (let i = 0; i < count; i++) await s.assign(messageId, { message });
      return { current: s.current };
    });
  }

  state(pid: string): Promise<Outcome<SlotState>> {
    return this.#reading(pid, (s) => ({ current: s.current, timestamp: s.head?.timestamp, height: s.head?.height ?? 0 }));
  }

  read(pid: string, q: ReadQuery): Promise<Outcome<ReadResult>> {
    return this.#reading(pid, async (s) => ({ ...(await s.read(q)), current: s.current }));
  }

  readLegacy(pid: string, q: LegacyQuery): Promise<Outcome<LegacyReadResult>> {
    return this.#reading(pid, async (s) => ({ ...(await readLegacy(s, q)), current: s.current }));
  }

  /** The CU's `next`: waits up to `waitMs` for slot `from` (of a process this node holds), then reads it and the slots after it. */
  next(pid: string, q: ReadQuery, waitMs: number): Promise<Outcome<ReadResult>> {
    return this.#reading(pid, async (s) => {
      if (s.current >= 0) await s.waitFor(q.from, waitMs);
      return { ...(await s.read(q)), current: s.current };
    });
  }

  /** One slot by number, or the latest. */
  slot(pid: string, which: number | "latest"): Promise<Outcome<StoredSlot | undefined>> {
    return this.#reading(pid, (s) => (s.current < 0 ? undefined : this.#store.get(which === "latest" ? s.current : which)));
  }

  /** The slot holding `id` as its message or its assignment (the message's first slot). */
  find(pid: string, id: string): Promise<Outcome<StoredSlot | undefined>> {
    return this.#reading(pid, async () => {
      const slot = (await this.#store.slotOfMessage(id)) ?? (await this.#store.slotOfAssignment(id));
      return slot === undefined ? undefined : this.#store.get(slot);
    });
  }

  override alarm(): Promise<void> {
    return this.#background.run();
  }

  /** Counts a write (in memory; the alarm writes counts out, docs/architecture.md "Observability"). */
  #wrote(r: Scheduled): Scheduled {
    this.#counters.wrote(r.created);
    this.#background.counted();
    return r;
  }

  /** A read RPC: counted when the process exists here. */
  #reading<T>(pid: string, work: (s: Scheduler) => Promise<T> | T): Promise<Outcome<T>> {
    return this.#with(pid, (s) => {
      if (s.current >= 0) {
        this.#counters.read();
        this.#background.counted();
      }
      return work(s);
    });
  }

  // Every RPC method: open the scheduler, do the work, answer known failures as values.
  #with<T>(pid: string, work: (s: Scheduler) => Promise<T> | T): Promise<Outcome<T>> {
    return outcome(async () => work(await this.#open(pid)));
  }

  #open(pid: string): Promise<Scheduler> {
    if (!this.#scheduler) {
      schedulingMode(this.env); // a mode that cannot work answers every call 503, naming it
      this.#scheduler = schedulerSigner(this.env)
        .then((signer) => Scheduler.open({ processId: pid, store: this.#store, signer }))
        .then((s) => {
          this.#background.resume(s.current); // work a restart interrupted
          return s;
        });
      this.#scheduler.catch(() => (this.#scheduler = undefined));
    }
    return this.#scheduler;
  }
}
