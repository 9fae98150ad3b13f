/**
 * A slot as another scheduler served it, the state the next slot is checked against, and how a
 * failed check is reported: shared by the checks of each rendering (verify.ts for ANS-104 bytes,
 * verify-aos2.ts for a HyperBEAM node's aos-2 JSON).
 */
import { RemoteError } from "./errors.ts";

/** A slot as another scheduler served it: ANS-104 bytes (exact, or rebuilt from JSON), or aos-2 structs. */
export interface RemoteSlot {
  /** The slot the source put it at (its key, cursor or Nonce). */
  slot: number;
  assignment: Uint8Array;
  message: Uint8Array | undefined;
  /** False when the bytes were rebuilt from a rendering that may have lost some of them. */
  lossless: boolean;
  /**
   * Whether the assignment's own bytes are exact, when `lossless` is false for the message's sake
   * alone (a legacy SU shows binary data as lossy text): its signature must then check.
   */
  assignmentLossless?: boolean;
  /** Set when the message is bytes this host verified itself (a post it passed on): not checked again. */
  messageVerified?: boolean;
  /** "aos-2": `assignment` and `message` are the JSON structs a HyperBEAM node rendered (verify-aos2.ts), not ANS-104 items. */
  rendering?: "aos-2";
}

/** What the next slot is checked against: the last slot kept. */
export interface ChainState {
  slot: number;
  assignmentId: string;
  hashChain: string;
  timestamp: number;
}

export interface VerifyContext {
  processId: string;
  /** The scheduler's address, from its location record: every assignment must be signed by it. */
  scheduler: string | undefined;
}

export function failed(slot: number, check: string, expected: string | number, found: string | number): RemoteError {
  return new RemoteError("verification-failed", `slot ${slot}: ${check} check failed: expected ${expected}, found ${found}`, { slot, check, expected, found });
}

export const integer = (text: string | undefined): number => (text !== undefined && /^\d{1,16}$/.test(text) ? Number(text) : NaN);

/** The slot a check expects next: 0 first, then one after the previous; a lone slot ("unknown" predecessor) is taken at its word. */
export const expectedSlot = (s: RemoteSlot, previous: ChainState | undefined | "unknown"): number => (previous === "unknown" ? s.slot : previous ? previous.slot + 1 : 0);
