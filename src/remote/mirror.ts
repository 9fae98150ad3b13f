/**
 * The remote-schedule pipeline: fetches another scheduler's schedule page by page after what a
 * Store already keeps, checks every slot (verify.ts) and appends a page only when all of it passed
 * (a page that fails is not stored; the error names its first broken slot). The worker's
 * remote-schedule cache and the browser's IndexedDB mirror are two hosts of this one class.
 *
 * The store keeps a prefix of the schedule from slot 0, so every new slot is checked against the
 * one before it. Each fetch starts at the last slot checked: if the remote now serves a different
 * assignment there, that is a fork, reported with both ids (and, to a host that keeps them, as a
 * proof: both signed assignments); nothing kept is ever overwritten.
 *
 * A sync runs its pages as a pipeline: the next page is fetched while this one is checked, and
 * this one is written while the next is checked, so the network, the checks and the store work
 * side by side. Pages are still appended in order, each only after every slot of it passed.
 */
import type { Store, StoredSlot } from "../schedule/store.ts";
import type { RemotePage, SchedulerClient } from "./client.ts";
import { RemoteError } from "./errors.ts";
import { forkProof, verifyForkProof, type ForkProof } from "./fork-proof.ts";
import { origin } from "./http.ts";
import { assignmentIdOf, chainStateOf, signerOfStored, verifySlots, type ChainState, type RemoteSlot, type VerifyContext, type VerifyPart } from "./verify.ts";

export interface MirrorOptions {
  client: SchedulerClient;
  store: Store;
  processId: string;
  /** The scheduler's address (from its location record); undefined trusts slot 0's signer and holds every later slot to it. */
  scheduler?: string | undefined;
  /** How a fetched page is checked: verifySlots, or a host's way of running it in parts side by side (verifySlotsInParts). */
  verify?: VerifyPart;
  /** Told of a fork before it is thrown, with both signed assignments: a host that keeps proofs keeps it. */
  onFork?: (proof: ForkProof) => unknown;
}

/** How far a mirror (and a job hosting it) has come. */
export interface Progress {
  /** The last slot kept, -1 for none. */
  kept: number;
  /** Slots appended by this call (or run) so far. */
  appended: number;
  /** Whether the remote has more after `kept` (within the range asked for). */
  continues: boolean;
  /** The remote's current slot when last asked, -1 before (a job asks; a bare sync does not). */
  total?: number;
  /** Slots kept per second over this run, and the seconds to `total` at that rate (undefined before a rate is known). */
  rate?: number;
  eta?: number | undefined;
}

/** A checked page waiting for its write; its last slot is what the next page is checked against. */
interface Checked {
  slots: StoredSlot[];
  head: StoredSlot;
  continues: boolean;
}

export class Mirror {
  readonly processId: string;
  readonly client: SchedulerClient;
  readonly #store: Store;
  #ctx: VerifyContext;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #verify: VerifyPart;
  readonly #onFork: MirrorOptions["onFork"];

  constructor(o: MirrorOptions) {
    this.processId = o.processId;
    this.client = o.client;
    this.#store = o.store;
    this.#ctx = { processId: o.processId, scheduler: o.scheduler };
    this.#verify = o.verify ?? verifySlots;
    this.#onFork = o.onFork;
  }

  get store(): Store {
    return this.#store;
  }

  /** The chain state of the last kept slot. */
  async head(): Promise<ChainState | undefined> {
    const last = await this.#store.last();
    return last ? chainStateOf(last) : undefined;
  }

  /** Runs syncs and steps one at a time: a second caller waits for the first, then fetches only what is still missing. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Fetches, checks and appends one page after the kept prefix (up to `to`). */
  step(to?: number): Promise<Progress> {
    return this.#exclusive(async () => {
      const start = await this.#start(to);
      if ("done" in start) return start.done;
      const page = await this.#checkPage(await this.#fetch(start.head, to), start.head, to);
      if (!page) return { kept: start.head?.slot ?? -1, appended: 0, continues: false };
      await this.#store.appendAll(page.slots);
      return { kept: page.head.slot, appended: page.slots.length, continues: page.continues };
    });
  }

  /**
   * Syncs until slot `to` is kept, or the remote has no more, or `signal` is aborted (after the
   * pages in flight, which are kept: none is fetched again); `onProgress` hears after each page is written (and is awaited: a host may
   * record it before the next page is written).
   */
  syncTo(to?: number, onProgress?: (p: Progress) => unknown, signal?: { aborted: boolean }): Promise<Progress> {
    return this.#exclusive(async () => {
      const start = await this.#start(to);
      if ("done" in start) return start.done;
      let head = start.head;
      const progress: Progress = { kept: head?.slot ?? -1, appended: 0, continues: false };
      let writing: Promise<void> = Promise.resolve();
      const write = (page: Checked) => {
        writing = writing.then(async () => {
          await this.#store.appendAll(page.slots);
          Object.assign(progress, { kept: page.head.slot, appended: progress.appended + page.slots.length, continues: page.continues });
          await onProgress?.({ ...progress });
        });
        writing.catch(() => {}); // awaited below; never unhandled meanwhile
      };
      let fetching: Promise<RemotePage> | undefined = this.#fetch(head, to);
      let ended = false; // the remote had nothing after the last page written
      try {
        // After an abort no new page is asked for, but a page already fetched is still checked and kept.
        while (fetching) {
          const fetched = await fetching;
          fetching = undefined;
          const last = fetched.slots.at(-1);
          // The next page is asked for while this one is checked, from this one's last slot.
          if (fetched.continues && last && (to === undefined || last.slot < to) && !signal?.aborted) {
            fetching = this.#fetch(last, to);
            fetching.catch(() => {});
          }
          const page = await this.#checkPage(fetched, head, to);
          if (!page) {
            ended = true;
            break;
          }
          head = page.head;
          write(page);
          if (!page.continues) break;
        }
      } finally {
        await writing.catch(() => {}); // pages checked before a failure are kept
      }
      await writing;
      if (ended) progress.continues = false;
      return progress;
    });
  }

  /**
   * Keeps slots the scheduler pushed (a live subscription, src/remote/live.ts), checked as a
   * fetched page is: a slot already kept must be the same assignment (else a fork); the next ones
   * are verified and appended; slots missed before them are fetched first. Runs in turn with syncs.
   */
  accept(pushed: readonly RemoteSlot[]): Promise<Progress> {
    return this.#exclusive(async () => {
      let { head } = (await this.#start(undefined)) as { head: StoredSlot | undefined };
      let slots = [...pushed];
      while (slots.length > 0 && head && slots[0].slot <= head.slot) {
        const kept = slots[0].slot === head.slot ? head : await this.#store.get(slots[0].slot);
        if (kept) await this.#checkSame(kept, slots[0]);
        slots = slots.slice(1);
      }
      const progress: Progress = { kept: head?.slot ?? -1, appended: 0, continues: false };
      if (slots.length === 0) return progress;
      const before = slots[0].slot - 1;
      const keep = async (page: Checked | undefined) => {
        if (!page) throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} pushed slot ${before + 1} but serves slots only to ${head?.slot ?? -1}`, { remote: this.client.url });
        await this.#store.appendAll(page.slots);
        head = page.head;
        Object.assign(progress, { kept: head.slot, appended: progress.appended + page.slots.length });
        return page;
      };
      while ((head?.slot ?? -1) < before) {
        const page = await keep(await this.#checkPage(await this.#fetch(head, before), head, before));
        if (!page.continues && page.head.slot < before) await keep(undefined);
      }
      await keep(await this.#checkPage({ slots, continues: false }, head, undefined));
      return progress;
    });
  }

  /** Where a sync starts: the last kept slot, or what to answer when `to` is kept already. */
  async #start(to: number | undefined): Promise<{ head: StoredSlot | undefined } | { done: Progress }> {
    const last = await this.#store.last();
    if (to !== undefined && last && last.slot >= to) return { done: { kept: last.slot, appended: 0, continues: false } };
    if (this.#ctx.scheduler === undefined && last) this.#ctx = { ...this.#ctx, scheduler: signerOfStored((await this.#store.get(0))!) };
    return { head: last };
  }

  #fetch(head: { slot: number } | undefined, to: number | undefined): Promise<RemotePage> {
    return this.client.page(this.processId, head ? head.slot : 0, to).catch(async (err: RemoteError) => {
      // Even the kept slot and the next are too large for one answer: the next alone, whose
      // chain check against the kept slot still catches a remote that changed it.
      if (err?.code !== "remote-too-large" || !head) throw err;
      const next = head.slot + 1;
      const one = await this.client.page(this.processId, next, next);
      return { ...one, continues: one.continues || (one.slots.length > 0 && (to === undefined || next < to)) };
    });
  }

  /**
   * The page's slots after `head` (the last slot checked), checked; undefined when the remote has
   * none. The page's first slot is `head` itself, asked for again to see the remote still serves
   * the same assignment there.
   */
  async #checkPage(page: { slots: RemoteSlot[]; continues: boolean }, head: StoredSlot | undefined, to: number | undefined): Promise<Checked | undefined> {
    let slots = page.slots;
    const from = head ? head.slot : 0;
    if (head) {
      const overlap = slots[0];
      if (overlap?.slot === head.slot) {
        await this.#checkSame(head, overlap);
        slots = slots.slice(1);
      } else if (overlap && overlap.slot < head.slot) {
        throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} answered slots from ${overlap.slot} when asked from ${from}`, { remote: this.client.url });
      }
    }
    if (slots.length === 0) {
      if (page.continues) throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} says more slots follow ${from} but sends none`, { remote: this.client.url });
      return undefined;
    }
    if (to !== undefined) slots = slots.filter((s) => s.slot <= to);
    const { slots: checked, scheduler } = await this.#verify(slots, this.#ctx, head && chainStateOf(head));
    this.#ctx = { ...this.#ctx, scheduler };
    const last = checked.at(-1)!;
    return { slots: checked, head: last, continues: page.continues && (to === undefined || last.slot < to) };
  }

  /**
   * The remote's assignment at the head slot must be the one checked before; otherwise the
   * scheduler forked. When both are validly signed by one key, they prove it: a host that keeps
   * proofs is handed one (a tampered copy proves nothing and is only reported).
   */
  async #checkSame(head: StoredSlot, remote: RemoteSlot): Promise<void> {
    const id = assignmentIdOf(remote);
    if (id === head.assignmentId) return;
    let kept = "";
    if (this.#onFork) {
      const proof = forkProof({ processId: this.processId, scheduler: this.#ctx.scheduler, url: this.client.url, kept: head, remote });
      const verdict = await verifyForkProof(proof);
      if (verdict.valid) {
        await this.#onFork(proof);
        kept = `; both are signed by ${proof.scheduler}: a proof is kept`;
      } else {
        kept = `; no proof: ${verdict.problem}`;
      }
    }
    throw new RemoteError("fork", `fork at slot ${head.slot}: this node keeps assignment ${head.assignmentId}, ${origin(this.client.url)} now serves ${id}${kept}`, {
      slot: head.slot,
      cached: head.assignmentId,
      remote: id,
    });
  }
}
