/**
 * The hash chain real compute units verify (D3, docs/architecture.md; legacy-su.md §2.3):
 * slot 0 = sha256(raw(processId)); slot n = sha256(raw(assignmentId[n-1]) ‖ raw(chain[n-1])).
 * HyperBEAM's own `hash-chain` (sha256(chain ‖ ascii(messageId)) from empty bytes) is here too,
 * for verifying schedules that came from a HyperBEAM node; we never produce it.
 */
import { b64url, fromB64url } from "../crypto/base64url.ts";
import { concat, utf8 } from "../crypto/bytes.ts";
import { sha256 } from "../crypto/hash.ts";
import { idBytes } from "../crypto/ids.ts";

export const chainSeed = (processId: string): string => b64url(sha256(idBytes(processId, "process id")));

export const chainNext = (previousAssignmentId: string, previousChain: string): string =>
  b64url(sha256(concat(idBytes(previousAssignmentId, "previous assignment id"), idBytes(previousChain, "previous hash chain"))));

/** HyperBEAM `scheduler@1.0` (main/edge): next = sha256(previous raw chain ‖ ascii(message id)); the first link starts from no bytes. */
export const hyperbeamChainNext = (previousChain: string | undefined, messageId: string): string =>
  b64url(sha256(concat(previousChain === undefined ? new Uint8Array(0) : fromB64url(previousChain), utf8(messageId))));

/** HyperBEAM's first link after its scheduler restarted on an existing schedule: it hashes the previous chain's base64url text, not its bytes (§2.2). */
export const hyperbeamChainAfterRestart = (previousChain: string, messageId: string): string => b64url(sha256(concat(utf8(previousChain), utf8(messageId))));
