/**
 * Equivocation proofs. A scheduler that signs two different assignments for one slot of one
 * process has forked its schedule; the two signed items prove it to anyone, offline, with nothing
 * but this file and the core. A proof is one JSON document (docs/remote.md#fork-proofs):
 *
 *   { "type": "ao-fork-proof", "version": 1, "process", "slot", "scheduler",
 *     "assignments": [<base64url ANS-104>, <base64url ANS-104>],
 *     "messages": [<base64url ANS-104> | null, <base64url ANS-104> | null],
 *     "source", "found-at" }
 *
 * `assignments[0]` is the one seen first (kept), `[1]` the one served later; `messages` are the
 * items they assign, when known. `source` and `found-at` say where and when it was found; they
 * are not part of what is proven.
 */
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { verifyItem } from "../ans104/verify.ts";
import { b64url, fromB64url } from "../crypto/base64url.ts";
import { utf8 } from "../crypto/bytes.ts";
import { sha256 } from "../crypto/hash.ts";
import { addressOf } from "../crypto/ids.ts";
import type { StoredSlot } from "../schedule/store.ts";
import type { RemoteSlot } from "./verify.ts";

export const PROOF_TYPE = "ao-fork-proof";
/** Proofs a node or a browser keeps at most: the first ones already prove what any later one would. */
export const MAX_PROOFS = 1000;

export interface ForkProof {
  type: typeof PROOF_TYPE;
  version: 1;
  process: string;
  slot: number;
  /** The address both assignments are signed by (as the finder read it; the check reads it again). */
  scheduler: string;
  assignments: [string, string];
  messages: [string | null, string | null];
  /** Where the second assignment was served, and when (ms since epoch). Not proven. */
  source: string;
  "found-at": number;
}

/** The name a proof's file goes by. */
export const proofFileName = (processId: string, slot: number): string => `fork-${processId}-slot-${slot}.json`;

/** A proof's id: the same two assignments, in either order, give the same id. */
export function proofId(p: Pick<ForkProof, "assignments">): string {
  const ids = p.assignments.map((a) => parseItem(fromB64url(a), NO_LIMITS).id).sort();
  return b64url(sha256(utf8(ids.join(","))));
}

/** The proof a mirror holds when a remote serves `remote` where it kept `kept` (both at one slot). */
export function forkProof(o: { processId: string; scheduler: string | undefined; url: string; kept: StoredSlot; remote: RemoteSlot; now?: number }): ForkProof {
  const signer = o.scheduler ?? addressOf(parseItem(o.kept.assignment, NO_LIMITS, o.kept.assignmentId).owner);
  return {
    type: PROOF_TYPE,
    version: 1,
    process: o.processId,
    slot: o.kept.slot,
    scheduler: signer,
    assignments: [b64url(o.kept.assignment), b64url(o.remote.assignment)],
    messages: [o.kept.message ? b64url(o.kept.message) : null, o.remote.message ? b64url(o.remote.message) : null],
    source: o.url,
    "found-at": o.now ?? Date.now(),
  };
}

export type ProofVerdict = { valid: true; summary: string } | { valid: false; problem: string };

const no = (problem: string): ProofVerdict => ({ valid: false, problem });

/**
 * Checks a proof with the core alone: both assignments are well-formed ANS-104 items whose
 * signatures verify, signed by one key (the scheduler the proof names), for the proof's process
 * (Process tag) and slot (Nonce), and they are different assignments. Messages, when given, must
 * be the items their assignments name, validly signed.
 */
export async function verifyForkProof(json: unknown): Promise<ProofVerdict> {
  const p = json as Partial<ForkProof> | null;
  if (typeof p !== "object" || p === null || p.type !== PROOF_TYPE) return no(`not a fork proof (its "type" is not "${PROOF_TYPE}")`);
  if (p.version !== 1) return no(`unknown version ${JSON.stringify(p.version)}`);
  if (typeof p.process !== "string" || !Number.isSafeInteger(p.slot) || typeof p.scheduler !== "string") return no(`"process", "slot" and "scheduler" are required`);
  if (!Array.isArray(p.assignments) || p.assignments.length !== 2) return no(`"assignments" must hold two items`);
  const messages = Array.isArray(p.messages) ? p.messages : [null, null];
  const signers: string[] = [];
  const ids: string[] = [];
  for (const [i, text] of p.assignments.entries()) {
    const what = `assignment ${i}`;
    let item;
    try {
      item = parseItem(fromB64url(String(text)), NO_LIMITS);
    } catch (err) {
      return no(`${what} is not an ANS-104 item: ${(err as Error).message}`);
    }
    const verdict = await verifyItem(item);
    if (verdict !== "valid") return no(`${what} (${item.id}): signature ${verdict}`);
    signers.push(addressOf(item.owner));
    ids.push(item.id);
    const process = tagValue(item.tags, "Process");
    if (process !== p.process) return no(`${what} (${item.id}) is for process ${process ?? "none"}, not ${p.process}`);
    const nonce = tagValue(item.tags, "Nonce");
    if (nonce !== String(p.slot)) return no(`${what} (${item.id}) is for slot ${nonce ?? "none"}, not ${p.slot}`);
    const message = messages[i];
    if (message !== null && message !== undefined) {
      const named = tagValue(item.tags, "Message") ?? p.process;
      let m;
      try {
        m = parseItem(fromB64url(String(message)), NO_LIMITS);
      } catch (err) {
        return no(`message ${i} is not an ANS-104 item: ${(err as Error).message}`);
      }
      if (m.id !== named) return no(`message ${i} is ${m.id}, but assignment ${i} names ${named}`);
      const mv = await verifyItem(m);
      if (mv !== "valid") return no(`message ${i} (${m.id}): signature ${mv}`);
    }
  }
  if (signers[0] !== signers[1]) return no(`the assignments are signed by different keys (${signers[0]}, ${signers[1]})`);
  if (signers[0] !== p.scheduler) return no(`the assignments are signed by ${signers[0]}, not by the scheduler the proof names, ${p.scheduler}`);
  if (ids[0] === ids[1]) return no(`both items are the same assignment ${ids[0]}`);
  return { valid: true, summary: `scheduler ${p.scheduler} signed two assignments for slot ${p.slot} of process ${p.process}: ${ids[0]} and ${ids[1]}` };
}
