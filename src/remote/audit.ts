/**
 * Re-checks a kept schedule from slot 0 with the mirror's own checks (verify.ts): what a reload,
 * an import or a suspicious user wants to know of what IndexedDB or any Store holds. Reads in
 * batches (the next one while this one is checked), so a schedule of any length never sits in
 * memory at once, and stops at the first broken link, naming it.
 */
import type { Store, StoredSlot } from "../schedule/store.ts";
import { RemoteError } from "./errors.ts";
import { chainStateOf, signerOfStored, verifySlots, type ChainState, type RemoteSlot, type VerifyContext } from "./verify.ts";

export interface BrokenLink {
  slot: number;
  check: string;
  expected?: string;
  found?: string;
  message: string;
}

export interface AuditResult {
  /** Slots that passed every check made (a slot kept without a status, scheduled here, counts as verified). */
  checked: number;
  /** Of those, how many had every signature checked, how many only the rest ("chain-checked"), and how many what a HyperBEAM node's aos-2 rendering allows ("unverified"). */
  verified: number;
  chainChecked: number;
  unverified: number;
  /** The first slot that failed, if one did; nothing after it is checked. */
  broken?: BrokenLink;
}

export interface AuditOptions {
  /** Slots read and checked per step. */
  batch?: number;
  onProgress?: (checked: number) => void;
  /**
   * A part of the schedule only, `from` to `to` inclusive, checked against `previous` (the kept
   * slot before `from`): parts checked side by side, each link in exactly one part, check the whole.
   */
  from?: number;
  to?: number;
  previous?: ChainState;
}

/** A kept slot as verify reads it: chain-checked ones as bytes rebuilt from a lossy source, unverified ones as the aos-2 structs they are. */
export const asRemote = (s: StoredSlot): RemoteSlot => {
  const r: RemoteSlot = { slot: s.slot, assignment: s.assignment, message: s.message, lossless: s.status !== "chain-checked" && s.status !== "unverified" };
  if (s.status === "unverified") r.rendering = "aos-2";
  return r;
};

export function brokenLink(err: unknown, slot: number): BrokenLink {
  if (err instanceof RemoteError && err.details) {
    const d = err.details;
    return { slot: Number(d.slot ?? slot), check: String(d.check ?? err.code), expected: d.expected === undefined ? undefined : String(d.expected), found: d.found === undefined ? undefined : String(d.found), message: err.message };
  }
  return { slot, check: "format", message: (err as Error)?.message ?? String(err) };
}

export async function auditSchedule(store: Store, ctx: VerifyContext, o: AuditOptions = {}): Promise<AuditResult> {
  const batch = o.batch ?? 1000;
  const first = o.from ?? 0;
  const end = o.to ?? Number.MAX_SAFE_INTEGER;
  const result: AuditResult = { checked: 0, verified: 0, chainChecked: 0, unverified: 0 };
  let context = ctx;
  let state: ChainState | undefined = o.previous;
  const read = (from: number): Promise<StoredSlot[]> => (from > end ? Promise.resolve([]) : store.range({ from, to: Math.min(end, from + batch - 1), limit: batch, maxBytes: Number.MAX_SAFE_INTEGER }));
  let reading = read(first);
  for (;;) {
    const from = first + result.checked;
    const slots = await reading;
    if (slots.length === 0) return result;
    // The next batch is read while this one is checked.
    const full = slots.length === Math.min(batch, end - from + 1);
    reading = full ? read(from + slots.length) : Promise.resolve([]);
    reading.catch(() => {}); // awaited next turn; never unhandled if this batch breaks
    let checked: StoredSlot[];
    try {
      checked = (await verifySlots(slots.map(asRemote), context, state)).slots;
    } catch (err) {
      // verifySlots stops at the first failure: the slots before it in the batch passed.
      const link = brokenLink(err, slots[0].slot);
      count(result, slots.filter((s) => s.slot < link.slot));
      return { ...result, broken: link };
    }
    count(result, checked);
    const last = checked.at(-1)!;
    state = chainStateOf(last);
    if (context.scheduler === undefined) context = { ...context, scheduler: signerOfStored(checked[0]) };
    o.onProgress?.(result.checked);
    if (!full) return result;
  }
}

/** Audits of consecutive parts, in slot order, as one audit of the whole: counted up to and including the first part that broke, whose link is the first broken. */
export function mergeAudits(parts: readonly AuditResult[]): AuditResult {
  const out: AuditResult = { checked: 0, verified: 0, chainChecked: 0, unverified: 0 };
  for (const p of parts) {
    out.checked += p.checked;
    out.verified += p.verified;
    out.chainChecked += p.chainChecked;
    out.unverified += p.unverified;
    if (p.broken) return { ...out, broken: p.broken };
  }
  return out;
}

function count(r: AuditResult, slots: readonly StoredSlot[]): void {
  r.checked += slots.length;
  for (const s of slots) {
    if (s.status === "chain-checked") r.chainChecked++;
    else if (s.status === "unverified") r.unverified++;
  }
  r.verified = r.checked - r.chainChecked - r.unverified;
}
