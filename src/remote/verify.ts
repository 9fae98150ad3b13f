/**
 * Checks another scheduler's schedule slot by slot before anything of it is kept (docs/remote.md):
 * the assignment's signature and id, its signer (the scheduler the location names), its Process,
 * its Nonce (no gap, no reordering), its Hash-Chain (D3, the chain compute units verify), its
 * Timestamp (never going back), and that the message it carries is the one it names.
 *
 * A slot is "verified" when every signature checks. A slot rebuilt from a format that lost what a
 * signature needs (legacy JSON renders a binary anchor as null, binary data as lossy text) is
 * "chain-checked": every other check passed, but its signatures could not be. Anything else is a
 * failure that names the slot, the check, what was expected and what was found.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { DEFAULT_LIMITS, NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { verifyItem } from "../ans104/verify.ts";
import { addressOf, addressOfKey } from "../crypto/ids.ts";
import { chainNext, chainSeed } from "../schedule/hash-chain.ts";
import type { SlotStatus, StoredSlot } from "../schedule/store.ts";
import { aos2Owner, aos2State, checkAos2, UNVERIFIED_CHECKS } from "./verify-aos2.ts";
import { expectedSlot as nextSlot, failed, integer, type ChainState, type RemoteSlot, type VerifyContext } from "./slot.ts";

export type { ChainState, RemoteSlot, VerifyContext } from "./slot.ts";

/** Who signed an assignment (its id, when known, spares hashing the signature again). */
export const signerOf = (assignment: Uint8Array, id?: string): string => addressOf(parseItem(assignment, NO_LIMITS, id).owner);

/** Who signed a kept slot's assignment (for an unverified slot: whom it claims). */
export const signerOfStored = (s: StoredSlot): string => (s.status === "unverified" ? aos2Owner(s.assignment) : signerOf(s.assignment, s.assignmentId));

/** The id of a remote slot's assignment, unchecked. */
export const assignmentIdOf = (s: RemoteSlot): string => (s.rendering === "aos-2" ? aos2State(s.slot, s.assignment).assignmentId : parseItem(s.assignment, NO_LIMITS).id);

/** What a kept slot's chain state is (for checking the slot after it). */
export function chainStateOf(s: StoredSlot): ChainState {
  if (s.status === "unverified") return aos2State(s.slot, s.assignment);
  const item = parseItem(s.assignment, NO_LIMITS, s.assignmentId);
  return { slot: s.slot, assignmentId: s.assignmentId, hashChain: tagValue(item.tags, "Hash-Chain") ?? "", timestamp: s.timestamp };
}

function parsed(bytes: Uint8Array, slot: number, what: string, limits = DEFAULT_LIMITS): DataItem {
  try {
    return parseItem(bytes, limits);
  } catch (err) {
    throw failed(slot, "format", `a well-formed ANS-104 ${what}`, (err as Error).message);
  }
}

const UNVERIFIED = Promise.resolve<SlotStatus>("unverified");

/** Slots whose signatures are checked side by side: enough to keep WebCrypto busy (it runs them off the thread), few enough that thousands of pending checks do not cost more in memory than they save. */
const IN_FLIGHT = 128;


/** Every check but the signatures: what a chain-checked slot passed. */
const LINK_CHECKS = ["format", "slot continuity", "Process tag", "Nonce", "Hash-Chain", "Timestamp order", "assignment signer", "assignment id", "message id"];

/** What was and was not checked of a slot, by its status: the one wording the dashboard, the exports and audits use. */
export const SLOT_CHECKS: Record<SlotStatus, { checked: readonly string[]; notChecked: readonly string[] }> = {
  verified: { checked: [...LINK_CHECKS, "assignment signature", "message signature"], notChecked: [] },
  "chain-checked": { checked: LINK_CHECKS, notChecked: ["assignment and message signatures (the source format lost bytes they cover)"] },
  unverified: UNVERIFIED_CHECKS,
};

/** A slot whose fields, chain link and ids passed; its signatures are still being checked. */
interface Linked {
  stored: Omit<StoredSlot, "status">;
  state: ChainState;
  /** Resolves to the slot's status, or rejects with its signature failure. */
  signatures: Promise<SlotStatus>;
}

/**
 * Every check of one slot against the state of the slot before it (undefined for slot 0) except
 * its signatures, which it starts and leaves running, so a batch's signature checks (the costly
 * part) run side by side while its chain is checked in order.
 */
function link(s: RemoteSlot, ctx: VerifyContext, previous: ChainState | undefined | "unknown"): Linked {
  if (s.rendering === "aos-2") return { ...checkAos2(s, ctx, previous), signatures: UNVERIFIED };
  // "unknown": a lone slot (a remote's answer to a post) whose predecessor is not at hand; its link is not checked.
  const linked = previous !== "unknown";
  const prev = linked ? previous : undefined;
  const expectedSlot = nextSlot(s, previous);
  const at = s.slot;
  if (!Number.isSafeInteger(s.slot) || s.slot !== expectedSlot) throw failed(at, "slot continuity", expectedSlot, s.slot);
  const assignment = parsed(s.assignment, at, "assignment");
  const tags = assignment.tags;
  const process = tagValue(tags, "Process");
  if (process !== ctx.processId) throw failed(at, "Process tag", ctx.processId, process ?? "none");
  const nonce = integer(tagValue(tags, "Nonce"));
  if (nonce !== expectedSlot) throw failed(at, "Nonce", expectedSlot, tagValue(tags, "Nonce") ?? "none");
  const hashChain = tagValue(tags, "Hash-Chain");
  const chain = !linked ? (hashChain ?? "") : prev ? chainNext(prev.assignmentId, prev.hashChain) : chainSeed(ctx.processId);
  if (hashChain !== chain || chain === "") throw failed(at, "Hash-Chain", chain || "a Hash-Chain tag", hashChain ?? "none");
  const timestamp = integer(tagValue(tags, "Timestamp"));
  if (Number.isNaN(timestamp)) throw failed(at, "Timestamp", "an integer", tagValue(tags, "Timestamp") ?? "none");
  if (prev && timestamp < prev.timestamp) throw failed(at, "Timestamp order", `at least ${prev.timestamp}`, timestamp);
  const signer = addressOfKey(assignment.owner); // one scheduler signs every slot: hashed once
  if (ctx.scheduler !== undefined && signer !== ctx.scheduler) throw failed(at, "assignment signer", ctx.scheduler, signer);

  // Slot 0 is the process itself; every other slot names its message.
  const named = tagValue(tags, "Message");
  if (at === 0 && named !== undefined) throw failed(at, "Message tag", "none on the process's own slot", named);
  if (at > 0 && named === undefined) throw failed(at, "Message tag", "the id of the scheduled message", "none");
  const messageId = named ?? ctx.processId;
  const message = s.message ? parsed(s.message, at, "message", NO_LIMITS) : undefined;
  if (message && message.id !== messageId) throw failed(at, "message id", messageId, message.id);
  if (!message && at === 0) throw failed(at, "process", `the process item ${ctx.processId}`, "no item");
  const exact = s.lossless || s.assignmentLossless === true;
  const signatures = Promise.all([signed(assignment, exact, at, "assignment signature"), message && !s.messageVerified ? signed(message, s.lossless, at, "message signature") : true]).then(
    ([a, m]): SlotStatus => (a && m ? "verified" : "chain-checked"),
  );
  signatures.catch(() => {}); // awaited by the caller, in slot order; never an unhandled rejection meanwhile
  return {
    stored: { slot: at, assignmentId: assignment.id, messageId, timestamp, assignment: assignment.raw, message: s.message },
    state: { slot: at, assignmentId: assignment.id, hashChain: chain, timestamp },
    signatures,
  };
}

/**
 * Checks one slot against the state of the slot before it (undefined for slot 0) and returns it
 * ready to store, with its status, and the state the next slot is checked against.
 * Throws RemoteError("verification-failed") naming the check.
 */
export async function verifySlot(s: RemoteSlot, ctx: VerifyContext, previous: ChainState | undefined | "unknown"): Promise<{ stored: StoredSlot; state: ChainState }> {
  const l = link(s, ctx, previous);
  return { stored: { ...l.stored, status: await l.signatures }, state: l.state };
}

/**
 * Whether an item's signature checks. A bad signature on exact bytes is a failure; on bytes
 * rebuilt from a lossy rendering it only means the check could not be made.
 */
async function signed(item: DataItem, lossless: boolean, at: number, check: string): Promise<boolean> {
  const verdict = await verifyItem(item);
  if (verdict === "valid") return true;
  if (!lossless && verdict === "invalid-signature") return false;
  throw failed(at, check, "a valid signature", verdict);
}

/**
 * Checks consecutive slots from `previous` and stops at the first failure: the lowest slot that
 * fails any check. Without a known scheduler, slot 0's signer becomes the scheduler every later
 * slot is held to; the one used is returned.
 */
export async function verifySlots(slots: readonly RemoteSlot[], ctx: VerifyContext, previous: ChainState | undefined): Promise<{ slots: StoredSlot[]; scheduler: string | undefined }> {
  const out: StoredSlot[] = [];
  const inFlight: Linked[] = [];
  // Settles the oldest slot in flight; a signature failure there is the lowest, and is thrown.
  const settle = async () => {
    const { stored: s, signatures } = inFlight.shift()!;
    // Every field of StoredSlot (src/schedule/store.ts), named: cheaper than a spread a slot.
    out.push({ slot: s.slot, assignmentId: s.assignmentId, messageId: s.messageId, timestamp: s.timestamp, assignment: s.assignment, message: s.message, status: await signatures });
  };
  let state = previous;
  let context = ctx;
  let broken: unknown;
  for (const s of slots) {
    if (inFlight.length >= IN_FLIGHT) await settle();
    try {
      const l = link(s, context, state);
      inFlight.push(l);
      state = l.state;
    } catch (err) {
      broken = err; // a signature failure at an earlier slot still comes first
      break;
    }
    if (context.scheduler === undefined && s.slot === 0) context = { ...context, scheduler: remoteSigner(s) };
  }
  while (inFlight.length > 0) await settle();
  if (broken !== undefined) throw broken;
  return { slots: out, scheduler: context.scheduler };
}

/** Checks consecutive slots as verifySlots does; what runs one part of a page. */
export type VerifyPart = (slots: readonly RemoteSlot[], ctx: VerifyContext, previous: ChainState | undefined) => Promise<{ slots: StoredSlot[]; scheduler: string | undefined }>;

/**
 * verifySlots cut into `parts` consecutive parts that `check` runs side by side (a host gives each
 * to a worker). Each part is checked against the slot before it as the page gives it; the part
 * before checks that slot, so every link is checked once, and the failure reported is the
 * lowest, as verifySlots reports it. Every part is held to one scheduler: the known one, or the
 * signer of slot 0 when the page starts there.
 */
export async function verifySlotsInParts(slots: readonly RemoteSlot[], ctx: VerifyContext, previous: ChainState | undefined, parts: number, check: VerifyPart): Promise<{ slots: StoredSlot[]; scheduler: string | undefined }> {
  const cut = cutPage(slots, ctx, parts);
  if (!cut) return verifySlots(slots, ctx, previous);
  const settled = await Promise.allSettled(cut.parts.map((part, i) => check(part, cut.ctx, i === 0 ? previous : cut.before[i])));
  const out: StoredSlot[] = [];
  for (const s of settled) {
    if (s.status === "rejected") throw s.reason;
    out.push(...s.value.slots);
  }
  return { slots: out, scheduler: cut.ctx.scheduler };
}

/** The page's parts and the unchecked state each part after the first starts from; undefined when it cannot be cut (too short, or bytes that do not parse: verifySlots then names the problem). */
function cutPage(slots: readonly RemoteSlot[], ctx: VerifyContext, parts: number): { parts: RemoteSlot[][]; before: ChainState[]; ctx: VerifyContext } | undefined {
  if (parts < 2 || slots.length < 2) return undefined;
  try {
    const scheduler = ctx.scheduler ?? (slots[0].slot === 0 ? remoteSigner(slots[0]) : undefined);
    if (scheduler === undefined) return undefined;
    const size = Math.ceil(slots.length / parts);
    const cut: RemoteSlot[][] = [];
    const before: ChainState[] = [];
    for (let at = 0; at < slots.length; at += size) {
      if (at > 0) before[cut.length] = stateAsGiven(slots[at - 1]);
      cut.push(slots.slice(at, at + size));
    }
    return { parts: cut, before, ctx: { ...ctx, scheduler } };
  } catch {
    return undefined;
  }
}

/** Who signed (or, aos-2, claims to have signed) a remote slot's assignment. */
const remoteSigner = (s: RemoteSlot): string => (s.rendering === "aos-2" ? aos2Owner(s.assignment) : signerOf(s.assignment));

/** The state a slot leaves, read from its bytes without checking them. */
function stateAsGiven(s: RemoteSlot): ChainState {
  if (s.rendering === "aos-2") return aos2State(s.slot, s.assignment);
  const a = parseItem(s.assignment, NO_LIMITS);
  return { slot: s.slot, assignmentId: a.id, hashChain: tagValue(a.tags, "Hash-Chain") ?? "", timestamp: integer(tagValue(a.tags, "Timestamp")) };
}
