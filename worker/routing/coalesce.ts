/**
 * Group commit for one process's writes in this isolate: while calls to its object are in flight,
 * the requests that arrive meanwhile go together in one call, sent by the first of them. An idle
 * process pays nothing: a lone request is sent at once, alone. The per-call costs (the RPC, the
 * object's input, its commit) are paid once per batch instead of once per request
 * (docs/performance.md#group-commit).
 *
 * Requests never wake each other. workerd runs a promise's continuation in the context of the
 * request that settled it, where the woken request cannot use its own I/O (its object stub, its
 * answer) and may be cancelled with the other. So each waiting request looks at plain fields on
 * its own timer: the sender writes each answer into its entry, and a batch waiting for a call slot
 * takes one when it sees one free.
 */

interface Entry<I, O> {
  input: I;
  answer?: { ok: true; value: O } | { ok: false; err: unknown };
}

interface Line<I, O> {
  inFlight: number;
  /** The batch still taking requests while it waits for a call slot, and its weight. */
  forming: Entry<I, O>[] | undefined;
  weight: number;
  /** When a call last started or ended (a line that stops moving is replaced, not waited on forever). */
  moved: number;
}

export interface CoalescerOptions<I> {
  /** An input's share of a call's limit (its bytes, say). */
  weigh: (input: I) => number;
  /** The most weight one call carries; an input over it goes alone. */
  maxWeight: number;
}

/** Calls per process in flight from one isolate: two keep the object busy while an answer travels back. */
const IN_FLIGHT = 2;
/** The most requests in one call. */
export const MAX_BATCH = 64;
/** How long a request waits for a call it is part of. */
export const WAIT_MS = 30_000;
/** How often a waiting request looks again, in ms. */
const LOOK_MS = 1;

const timedOut = () => Object.assign(new Error(`no answer from the process's object within ${WAIT_MS / 1000} s`), { code: "unavailable" });

/** Resolves once `ready()` holds, looking every LOOK_MS on this request's own timer; throws after WAIT_MS. */
async function until(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw timedOut();
    await new Promise((r) => setTimeout(r, LOOK_MS));
  }
}

export class Coalescer<I, O> {
  readonly #lines = new Map<string, Line<I, O>>();
  readonly #o: CoalescerOptions<I>;

  constructor(o: CoalescerOptions<I>) {
    this.#o = o;
  }

  /** Lines held: none once nothing is in flight. */
  get size(): number {
    return this.#lines.size;
  }

  /**
   * Sends `input` with whatever else waits for `key`: `send` answers one output per input, in
   * order, and a failed call fails every request in it. `keepAlive` is given the sender's call,
   * to finish it (and answer the others) should the sender's own client go away.
   */
  async run(key: string, input: I, send: (inputs: I[]) => Promise<O[]>, keepAlive: (p: Promise<unknown>) => void): Promise<O> {
    let line = this.#lines.get(key);
    if (!line || (line.inFlight >= IN_FLIGHT && Date.now() - line.moved > WAIT_MS)) {
      line = { inFlight: 0, forming: undefined, weight: 0, moved: Date.now() };
      this.#lines.set(key, line);
    }
    const me: Entry<I, O> = { input };
    const weight = this.#o.weigh(input);
    if (line.forming && line.forming.length < MAX_BATCH && line.weight + weight <= this.#o.maxWeight) {
      line.forming.push(me);
      line.weight += weight;
    } else {
      const call = this.#lead(key, line, me, weight, send);
      keepAlive(call);
      await call;
    }
    await until(() => me.answer !== undefined);
    const answer = me.answer!;
    if (!answer.ok) throw answer.err;
    return answer.value;
  }

  /** Sends the batch `me` leads once a call slot is free, and writes every answer into its entry. */
  async #lead(key: string, line: Line<I, O>, me: Entry<I, O>, weight: number, send: (inputs: I[]) => Promise<O[]>): Promise<void> {
    const batch = [me];
    if (line.inFlight >= IN_FLIGHT) {
      line.forming = batch;
      line.weight = weight;
      try {
        await until(() => line.inFlight < IN_FLIGHT);
      } catch (err) {
        for (const e of batch) e.answer = { ok: false, err };
        return;
      } finally {
        if (line.forming === batch) line.forming = undefined;
      }
    }
    line.inFlight++;
    line.moved = Date.now();
    try {
      const out = await send(batch.map((e) => e.input));
      batch.forEach((e, i) => (e.answer = { ok: true, value: out[i] }));
    } catch (err) {
      for (const e of batch) e.answer = { ok: false, err };
    } finally {
      line.moved = Date.now();
      if (--line.inFlight === 0 && !line.forming && this.#lines.get(key) === line) this.#lines.delete(key);
    }
  }
}
