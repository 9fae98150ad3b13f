/**
 * Replay of a kept schedule: the slots in order, each re-checked against the one before it with
 * the mirror's own checks (src/remote/verify.ts), so a replay proves what it shows.
 */
import { asRemote } from "../../src/remote/audit.ts";
import { signerOfStored, verifySlot, type ChainState, type VerifyContext } from "../../src/remote/verify.ts";
import type { Store } from "../../src/schedule/store.ts";
import { slotModel, type SlotModel } from "./slot-view-model.ts";

export interface ReplayStep {
  slot: number;
  ok: boolean;
  /** The failed check, as verify names it, when not ok. */
  problem?: string;
  model: SlotModel;
}

export class Replay {
  readonly ready: Promise<void>;
  /** Slots kept when last counted; a mirror still running adds more (refresh()). */
  total = 0;
  #next = 0;
  #state: ChainState | undefined;
  #ctx: VerifyContext;
  readonly #store: Store;

  constructor(store: Store, processId: string) {
    this.#store = store;
    this.#ctx = { processId, scheduler: undefined };
    this.ready = this.refresh();
  }

  /** Counts the kept slots again (a mirror may have kept more since). */
  async refresh(): Promise<void> {
    this.total = ((await this.#store.last())?.slot ?? -1) + 1;
  }

  get done(): boolean {
    return this.#next >= this.total;
  }

  /** The next slot, re-checked; undefined at the end. After a broken link, later slots are checked against what was kept. */
  async step(): Promise<ReplayStep | undefined> {
    await this.ready;
    if (this.done) await this.refresh();
    if (this.done) return undefined;
    const stored = await this.#store.get(this.#next);
    if (!stored) return undefined;
    this.#next++;
    const model = slotModel(stored);
    try {
      const { state } = await verifySlot(asRemote(stored), this.#ctx, this.#state);
      this.#state = state;
      if (this.#ctx.scheduler === undefined) this.#ctx = { ...this.#ctx, scheduler: signerOfStored(stored) };
      return { slot: stored.slot, ok: true, model };
    } catch (err) {
      this.#state = { slot: stored.slot, assignmentId: stored.assignmentId, hashChain: "", timestamp: stored.timestamp };
      return { slot: stored.slot, ok: false, problem: (err as Error).message, model };
    }
  }
}
