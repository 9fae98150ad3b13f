/**
 * The remote-schedule pipeline: fetches another scheduler's schedule page by page after what a
 * Store already keeps, checks every slot (verify.ts) and appends a page only when all of it passed
 * (a page that fails is not stored; the error names its first broken slot). The worker's
 * remote-schedule cache and the browser's IndexedDB mirror are two hosts of this one class.
 *
 * The store keeps a prefix of the schedule from slot 0, so every new slot is checked against the
 * one before it. Each fetch starts at the last kept slot: if the remote now serves a different
 * assignment there, that is a fork, reported with both ids; nothing kept is ever overwritten.
 */
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import type { Store, StoredSlot } from "../schedule/store.ts";
import type { SchedulerClient } from "./client.ts";
import { RemoteError } from "./errors.ts";
import { origin } from "./http.ts";
import { chainStateOf, signerOf, verifySlots, type ChainState, type RemoteSlot, type VerifyContext, type VerifyPart } from "./verify.ts";

export interface MirrorOptions {
  client: SchedulerClient;
  store: Store;
  processId: string;
  /** The scheduler's address (from its location record); undefined trusts slot 0's signer and holds every later slot to it. */
  scheduler?: string | undefined;
  /** How a fetched page is checked: verifySlots, or a host's way of running it in parts side by side (verifySlotsInParts). */
  verify?: VerifyPart;
}

export interface Progress {
  /** The last slot kept, -1 for none. */
  kept: number;
  /** Slots appended by this call so far. */
  appended: number;
  /** Whether the remote has more after `kept` (within the range asked for). */
  continues: boolean;
}

export class Mirror {
  readonly processId: string;
  readonly client: SchedulerClient;
  readonly #store: Store;
  #ctx: VerifyContext;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #verify: VerifyPart;

  constructor(o: MirrorOptions) {
    this.processId = o.processId;
    this.client = o.client;
    this.#store = o.store;
    this.#ctx = { processId: o.processId, scheduler: o.scheduler };
    this.#verify = o.verify ?? verifySlots;
  }

  get store(): Store {
    return this.#store;
  }

  /** The chain state of the last kept slot. */
  async head(): Promise<ChainState | undefined> {
    const last = await this.#store.last();
    return last ? chainStateOf(last) : undefined;
  }

  /**
   * Fetches one page after the kept prefix (up to `to`), checks it and appends it. Steps never
   * overlap: a second caller waits for the first and then fetches only what is still missing.
   */
  step(to?: number): Promise<Progress> {
    const run = this.#tail.then(() => this.#step(to));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Steps until slot `to` is kept, or the remote has no more; `onProgress` hears after each page. */
  async syncTo(to?: number, onProgress?: (p: Progress) => void, signal?: { aborted: boolean }): Promise<Progress> {
    let total = 0;
    for (;;) {
      const p = await this.step(to);
      total += p.appended;
      const progress = { ...p, appended: total };
      onProgress?.(progress);
      if (!p.continues || (to !== undefined && p.kept >= to) || signal?.aborted) return progress;
    }
  }

  async #step(to: number | undefined): Promise<Progress> {
    const last = await this.#store.last();
    if (to !== undefined && last && last.slot >= to) return { kept: last.slot, appended: 0, continues: false };
    const from = last ? last.slot : 0;
    const page = await this.client.page(this.processId, from, to).catch(async (err: RemoteError) => {
      // Even the kept slot and the next are too large for one answer: the next alone, whose
      // chain check against the kept slot still catches a remote that changed it.
      if (err?.code !== "remote-too-large" || !last) throw err;
      const next = last.slot + 1;
      const one = await this.client.page(this.processId, next, next);
      return { ...one, continues: one.continues || (one.slots.length > 0 && (to === undefined || next < to)) };
    });
    let slots = page.slots;
    if (last) {
      const overlap = slots[0];
      if (overlap?.slot === last.slot) {
        await this.#checkSame(last, overlap.assignment);
        slots = slots.slice(1);
      } else if (overlap && overlap.slot < last.slot) {
        throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} answered slots from ${overlap.slot} when asked from ${from}`, { remote: this.client.url });
      }
    }
    if (slots.length === 0) {
      if (page.continues) throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} says more slots follow ${from} but sends none`, { remote: this.client.url });
      return { kept: last?.slot ?? -1, appended: 0, continues: false };
    }
    if (to !== undefined) slots = slots.filter((s) => s.slot <= to);
    const kept = await this.#keep(slots, last);
    return { kept, appended: slots.length, continues: page.continues && (to === undefined || kept < to) };
  }

  /**
   * Keeps slots the scheduler pushed (a live subscription, src/remote/live.ts), checked as a
   * fetched page is: a slot already kept must be the same assignment (else a fork); the next ones
   * are verified and appended; a slot past the next one means some were missed, and they are
   * fetched first. Runs in turn with `step`.
   */
  accept(pushed: readonly RemoteSlot[]): Promise<Progress> {
    const run = this.#tail.then(() => this.#accept(pushed));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #accept(pushed: readonly RemoteSlot[]): Promise<Progress> {
    let last = await this.#store.last();
    let slots = [...pushed];
    while (slots.length > 0 && last && slots[0].slot <= last.slot) {
      const kept = slots[0].slot === last.slot ? last : await this.#store.get(slots[0].slot);
      if (kept) await this.#checkSame(kept, slots[0].assignment);
      slots = slots.slice(1);
    }
    if (slots.length === 0) return { kept: last?.slot ?? -1, appended: 0, continues: false };
    const before = slots[0].slot - 1;
    while ((last?.slot ?? -1) < before) {
      const p = await this.#step(before);
      last = await this.#store.last();
      if ((last?.slot ?? -1) < before && !p.continues) {
        throw new RemoteError("remote-failed", `scheduler ${origin(this.client.url)} pushed slot ${before + 1} but serves slots only to ${last?.slot ?? -1}`, { remote: this.client.url });
      }
    }
    const kept = await this.#keep(slots, last);
    return { kept, appended: slots.length, continues: false };
  }

  /** Verifies consecutive slots after `last` and appends them, all or none; answers the last kept. */
  async #keep(slots: RemoteSlot[], last: StoredSlot | undefined): Promise<number> {
    if (this.#ctx.scheduler === undefined && last) {
      const slot0 = (await this.#store.get(0))!;
      this.#ctx = { ...this.#ctx, scheduler: signerOf(slot0.assignment, slot0.assignmentId) };
    }
    const { slots: checked, scheduler } = await this.#verify(slots, this.#ctx, last ? chainStateOf(last) : undefined);
    this.#ctx = { ...this.#ctx, scheduler };
    await this.#store.appendAll(checked);
    return checked.at(-1)!.slot;
  }

  async #checkSame(kept: StoredSlot, remote: Uint8Array): Promise<void> {
    const id = parseItem(remote, NO_LIMITS).id;
    if (id !== kept.assignmentId) {
      throw new RemoteError("fork", `fork at slot ${kept.slot}: this node keeps assignment ${kept.assignmentId}, ${origin(this.client.url)} now serves ${id}`, {
        slot: kept.slot,
        cached: kept.assignmentId,
        remote: id,
      });
    }
  }
}
