/**
 * Checks a slot read from a HyperBEAM node's aos-2 JSON (D18, docs/remote.md#hyperbeam-processes).
 * Its assignments are signed with httpsig commitments this project cannot check, and the
 * rendering gives each signer as an address, never as a key: no signature of such a slot can be
 * checked, and it is kept "unverified". What the rendering does let anyone check is checked:
 *
 * - slot continuity: the cursor and the assignment's `Slot` tag are the slot after the last;
 * - `Process`: the assignment is for this process;
 * - the claimed scheduler: every assignment names one `Owner` (slot 0's, or the record's);
 * - the message id, where the rendering gives the message's signature (512-byte ones, in
 *   base64url): its id is the SHA-256 of that signature;
 * - HyperBEAM's `Hash-Chain`, when the assignment carries one: sha256(previous chain ‖ message
 *   id), which ties every message id to the ones before it (also in the form a HyperBEAM
 *   scheduler restarted on an existing schedule computes, hyperbeam-scheduler.md §2.2);
 * - `Timestamp` is an integer.
 */
import { tagValue } from "../ans104/tags.ts";
import { fromB64url } from "../crypto/base64url.ts";
import { idOfSignature } from "../crypto/ids.ts";
import { aos2Of, type Aos2Struct } from "../formats/aos2.ts";
import { hyperbeamChainAfterRestart, hyperbeamChainNext } from "../schedule/hash-chain.ts";
import type { StoredSlot } from "../schedule/store.ts";
import { expectedSlot, failed, integer, type ChainState, type RemoteSlot, type VerifyContext } from "./slot.ts";

/** What an unverified slot passed, and what no one can check of it from its rendering (verify.ts SLOT_CHECKS). */
export const UNVERIFIED_CHECKS = {
  checked: ["slot continuity (cursor and Slot tag)", "Process tag", "one claimed scheduler (Owner)", "message id, where the rendering gives the message's signature", "HyperBEAM Hash-Chain over the message ids, where the assignment carries one", "Timestamp is an integer"],
  notChecked: ["assignment signature (httpsig, which this project cannot check)", "assignment id", "who signed the assignment (the rendering gives an address, not a key)", "message signature", "Timestamp order"],
} as const;

function struct(bytes: Uint8Array, at: number, what: string): Aos2Struct {
  try {
    return aos2Of(bytes, what);
  } catch (err) {
    throw failed(at, "format", `an aos-2 ${what} struct`, (err as Error).message);
  }
}

/** The message's id from its rendered signature, when the rendering gives one that can be decoded (512 bytes, base64url). */
function idFromSignature(m: Aos2Struct): string | undefined {
  if (!/^[A-Za-z0-9_-]{683}$/.test(m.Signature)) return undefined;
  const signature = fromB64url(m.Signature);
  return signature.length === 512 ? idOfSignature(signature) : undefined;
}

/** The slot and chain state from an assignment struct, read without checking it. */
export function aos2State(slot: number, assignment: Uint8Array): ChainState {
  const a = aos2Of(assignment, "assignment");
  return { slot, assignmentId: a.Id, hashChain: tagValue(a.Tags, "Hash-Chain") ?? "", timestamp: integer(tagValue(a.Tags, "Timestamp")) };
}

/** The address an assignment struct claims as its signer. */
export const aos2Owner = (assignment: Uint8Array): string => aos2Of(assignment, "assignment").Owner;

/** Every check an aos-2 slot allows, against the state of the slot before it. Throws RemoteError("verification-failed") naming the check. */
export function checkAos2(s: RemoteSlot, ctx: VerifyContext, previous: ChainState | undefined | "unknown"): { stored: Omit<StoredSlot, "status">; state: ChainState } {
  const at = s.slot;
  const want = expectedSlot(s, previous);
  const prev = previous === "unknown" ? undefined : previous;
  if (!Number.isSafeInteger(at) || at !== want) throw failed(at, "slot continuity", want, at);
  const a = struct(s.assignment, at, "assignment");
  if (!s.message) throw failed(at, "message", "the scheduled message's struct", "none");
  const m = struct(s.message, at, "message");
  const slotTag = tagValue(a.Tags, "Slot") ?? tagValue(a.Tags, "Nonce");
  if (integer(slotTag) !== at) throw failed(at, "Slot tag", at, slotTag ?? "none");
  const process = tagValue(a.Tags, "Process");
  if (process !== ctx.processId) throw failed(at, "Process tag", ctx.processId, process ?? "none");
  if (ctx.scheduler !== undefined && a.Owner !== ctx.scheduler) throw failed(at, "claimed scheduler (Owner)", ctx.scheduler, a.Owner || "none");
  const id = idFromSignature(m);
  if (id !== undefined && id !== m.Id) throw failed(at, "message id", id, m.Id);
  const hashChain = tagValue(a.Tags, "Hash-Chain");
  if (hashChain !== undefined && previous !== "unknown" && (prev === undefined || prev.hashChain !== "")) {
    const next = hyperbeamChainNext(prev?.hashChain, m.Id);
    const restarted = prev ? hyperbeamChainAfterRestart(prev.hashChain, m.Id) : next;
    if (hashChain !== next && hashChain !== restarted) throw failed(at, "Hash-Chain", next, hashChain);
  }
  const timestamp = integer(tagValue(a.Tags, "Timestamp"));
  if (Number.isNaN(timestamp)) throw failed(at, "Timestamp", "an integer", tagValue(a.Tags, "Timestamp") ?? "none");
  return {
    stored: { slot: at, assignmentId: a.Id, messageId: m.Id, timestamp, assignment: s.assignment, message: s.message },
    state: { slot: at, assignmentId: a.Id, hashChain: hashChain ?? "", timestamp },
  };
}
