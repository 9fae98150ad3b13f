/**
 * The live subscribers of one process's schedule (docs/live.md), held by the process's object
 * through the WebSocket hibernation API: idle subscribers cost the object nothing, and it may
 * sleep while they wait. Each socket's attachment keeps its format and where it stands.
 *
 * A subscriber is either catching up (its frames are read from the store, a page at a time) or
 * live (each new slot is pushed as it is written). Both happen on the object's one thread, and a
 * subscriber turns live only in the same synchronous step that found it has every written slot,
 * so no interleaving of catching up and writes leaves a gap or sends a slot twice.
 *
 * Flow control: a subscriber acknowledges slots it received; while WINDOW_BYTES of its frames are
 * unacknowledged nothing more is sent to it, and it catches up from the store once it acknowledges.
 * One that stays stopped for HOLD_MS is closed (4408). One timer serves the whole object, and only
 * while some subscriber is stopped; none is kept per socket.
 *
 * Cost: a write with no subscribers costs a comparison. With subscribers, new slots are pushed
 * once per turn, each rendered once per format for all of that format's live subscribers.
 */
import { CATCH_UP_PAGE, CLOSE, HOLD_MS, WINDOW_BYTES, closeReason, frameOf, frameSize, type FrameFormat } from "../../src/remote/live.ts";
import type { RangeQuery, StoredSlot } from "../../src/schedule/store.ts";
import type { SubscribeQuery } from "../contract.ts";

/** What the subscribers read: the store's last slot (synchronously) and its pages. */
export interface SubscriberStore {
  lastSlot(): number;
  range(q: RangeQuery): Promise<StoredSlot[]>;
}

/** A socket's attachment: its format, first and next slot; `live` when it had every written slot (then next = last + 1 on waking). */
interface Attachment {
  f: FrameFormat;
  a: number;
  n: number;
  live: boolean;
}

const FORMATS: readonly FrameFormat[] = ["json", "ans104"];

class Subscriber {
  readonly ws: WebSocket;
  readonly format: FrameFormat;
  /** The slot it subscribed from: nothing before it was sent. */
  readonly first: number;
  next: number;
  live = false;
  pumping = false;
  /** When a full window stopped it (0: not stopped). */
  heldSince = 0;
  /** Bytes of frames sent and not acknowledged. */
  unacked = 0;
  // Frames sent and not acknowledged, oldest first: their slots and sizes.
  #slots: number[] = [];
  #sizes: number[] = [];
  #head = 0;

  constructor(ws: WebSocket, format: FrameFormat, first: number, next = first) {
    this.ws = ws;
    this.format = format;
    this.first = first;
    this.next = next;
  }

  sent(slot: number, size: number): void {
    this.unacked += size;
    this.#slots.push(slot);
    this.#sizes.push(size);
  }

  /** Frames up to `slot` arrived; answers whether that freed any of the window. */
  acked(slot: number): boolean {
    const from = this.#head;
    while (this.#head < this.#slots.length && this.#slots[this.#head] <= slot) this.unacked -= this.#sizes[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#slots.length) {
      this.#slots = this.#slots.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
      return true;
    }
    return this.#head > from;
  }
}

export class Subscribers {
  readonly #ctx: DurableObjectState;
  readonly #store: SubscriberStore;
  readonly #limit: number;
  readonly #subs = new Map<WebSocket, Subscriber>();
  readonly #live: Record<FrameFormat, Set<Subscriber>> = { json: new Set(), ans104: new Set() };
  /** The last slot written, tracked once anyone subscribed. */
  #last: number | undefined;
  #pending: StoredSlot[] = [];
  #flushArmed = false;
  #sweep: ReturnType<typeof setTimeout> | undefined;

  /** Wakes the subscribers a hibernated object kept (their attachments say where each stands). */
  constructor(ctx: DurableObjectState, store: SubscriberStore, limit: number) {
    this.#ctx = ctx;
    this.#store = store;
    this.#limit = limit;
    const sockets = ctx.getWebSockets();
    if (sockets.length === 0) return;
    this.#last = store.lastSlot();
    for (const ws of sockets) {
      const a = ws.deserializeAttachment() as Attachment | null;
      if (!a) {
        ws.close(CLOSE.restart, "subscription lost; subscribe again");
        continue;
      }
      const s = new Subscriber(ws, a.f, a.a, a.live ? this.#last + 1 : a.n);
      this.#subs.set(ws, s);
      if (a.live) this.#goLive(s);
      else void this.#pump(s);
    }
  }

  get count(): number {
    return this.#subs.size;
  }

  /** Answers an upgrade: 429 past the limit, else 101 with a socket that receives slots from `q.from`. */
  open(pid: string, q: SubscribeQuery): Response {
    if (this.#subs.size >= this.#limit) {
      return Response.json({ error: `process ${pid} has ${this.#subs.size} live subscribers, the most this node allows (SUBSCRIBERS_PER_PROCESS=${this.#limit})` }, { status: 429 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.#ctx.acceptWebSocket(server);
    this.#last ??= this.#store.lastSlot();
    const s = new Subscriber(server, q.format, q.from);
    this.#subs.set(server, s);
    this.#save(s);
    void this.#pump(s);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The store wrote these rows (the object's afterWrite): they go to live subscribers at the end of the turn. */
  written(rows: readonly StoredSlot[]): void {
    if (this.#last !== undefined) this.#last = rows[rows.length - 1].slot;
    if (this.#subs.size === 0) return;
    for (const r of rows) this.#pending.push(r);
    if (!this.#flushArmed) {
      this.#flushArmed = true;
      setTimeout(() => this.#flush(), 0);
    }
  }

  /** A subscriber's message: the number of the last slot it received. */
  message(ws: WebSocket, data: string | ArrayBuffer): void {
    const s = this.#subs.get(ws);
    if (!s) return;
    const slot = typeof data === "string" && /^\d{1,16}$/.test(data) ? Number(data) : -1;
    if (slot < s.first || slot >= s.next) {
      const what = typeof data === "string" ? JSON.stringify(data.slice(0, 20)) : "a binary frame";
      return this.#close(s, CLOSE.badMessage, `send the number of the last slot received, as text (got ${what}; next slot is ${s.next})`);
    }
    if (s.acked(slot)) s.heldSince = 0;
    if (!s.live) void this.#pump(s);
  }

  /** The socket closed (or failed): forget it. */
  closed(ws: WebSocket): void {
    const s = this.#subs.get(ws);
    if (s) this.#forget(s);
    try {
      ws.close(1000, "closed");
    } catch {
      // already closed
    }
  }

  /** Ends every subscription (a remote process that can no longer be followed). */
  closeAll(code: number, reason: string): void {
    for (const s of [...this.#subs.values()]) this.#close(s, code, reason);
  }

  /** Sends frames from the store until the subscriber has every written slot (then it is live) or its window is full. */
  async #pump(s: Subscriber): Promise<void> {
    if (s.pumping) return;
    s.pumping = true;
    try {
      while (this.#subs.get(s.ws) === s && !s.live) {
        if (s.unacked >= WINDOW_BYTES) return this.#hold(s);
        const last = this.#last!;
        if (s.next > last) return this.#goLive(s); // the same synchronous step that read #last
        const rows = await this.#store.range({ from: s.next, to: last, limit: CATCH_UP_PAGE, maxBytes: Math.max(1, WINDOW_BYTES - s.unacked) });
        if (rows.length === 0) throw new Error(`slot ${s.next} is missing from the store`);
        for (const row of rows) {
          if (this.#subs.get(s.ws) !== s || row.slot !== s.next || s.unacked >= WINDOW_BYTES) break;
          if (!this.#send(s, row.slot, frameOf(row, s.format))) break;
        }
      }
    } catch (err) {
      console.error("live schedule: catching a subscriber up failed", err);
      this.#close(s, 1011, closeReason(`catching up failed at slot ${s.next}; subscribe again from ${s.next}`));
    } finally {
      s.pumping = false;
    }
  }

  #flush(): void {
    this.#flushArmed = false;
    const rows = this.#pending;
    this.#pending = [];
    for (const format of FORMATS) {
      const live = this.#live[format];
      if (live.size === 0) continue;
      for (const row of rows) {
        let frame: string | Uint8Array | undefined;
        for (const s of live) {
          if (row.slot < s.next) continue;
          if (row.slot > s.next) {
            // Cannot happen while live; if it did, the store has what it missed.
            this.#live[s.format].delete(s);
            s.live = false;
            queueMicrotask(() => void this.#pump(s));
            continue;
          }
          if (s.unacked >= WINDOW_BYTES) {
            this.#hold(s);
            continue;
          }
          frame ??= frameOf(row, format);
          this.#send(s, row.slot, frame);
        }
      }
    }
  }

  #send(s: Subscriber, slot: number, frame: string | Uint8Array): boolean {
    try {
      s.ws.send(frame);
    } catch {
      this.#forget(s); // the socket is gone
      return false;
    }
    s.next = slot + 1;
    s.sent(slot, frameSize(frame));
    return true;
  }

  #goLive(s: Subscriber): void {
    s.live = true;
    this.#live[s.format].add(s);
    this.#save(s);
  }

  /** A full window: nothing more is sent until it acknowledges; it catches up from the store then. */
  #hold(s: Subscriber): void {
    this.#live[s.format].delete(s);
    s.live = false;
    if (s.heldSince === 0) s.heldSince = Date.now();
    this.#save(s);
    this.#armSweep();
  }

  // One timer for the object, set for the earliest stopped subscriber's deadline.
  #armSweep(): void {
    if (this.#sweep !== undefined) return;
    let first = Infinity;
    for (const s of this.#subs.values()) if (s.heldSince > 0 && s.heldSince < first) first = s.heldSince;
    if (first === Infinity) return;
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      const now = Date.now();
      for (const s of [...this.#subs.values()]) {
        if (s.heldSince > 0 && now - s.heldSince >= HOLD_MS) {
          this.#close(s, CLOSE.notReading, `not reading: ${s.unacked} bytes unacknowledged for ${HOLD_MS / 1000} s; resubscribe from=${s.next}`);
        }
      }
      this.#armSweep();
    }, Math.max(0, first + HOLD_MS - Date.now()));
  }

  #save(s: Subscriber): void {
    s.ws.serializeAttachment({ f: s.format, a: s.first, n: s.next, live: s.live } satisfies Attachment);
  }

  #close(s: Subscriber, code: number, reason: string): void {
    this.#forget(s);
    try {
      s.ws.close(code, closeReason(reason));
    } catch {
      // already closed
    }
  }

  #forget(s: Subscriber): void {
    this.#subs.delete(s.ws);
    this.#live[s.format].delete(s);
  }
}
