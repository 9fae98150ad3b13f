/** Real signed data from test/vectors (provenance in its README), read by scripts/vectors-plugin.mjs. */
import { readBundle } from "../../src/ans104/bundle.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { fromB64url } from "../../src/crypto/base64url.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { utf8Lossy } from "../../src/crypto/bytes.ts";
import edMessage from "vectors:legacy-su/ed25519-message.bin";
import suMessage from "vectors:legacy-su/su-message.bin";
import suOutput from "vectors:legacy-su/su-output.txt";
import processExpected from "vectors:legacy-su/process-4QTy.expected.json";
import scheduleExpected from "vectors:legacy-su/schedule-4QTy.expected.json";
import scheduleNonceExpected from "vectors:legacy-su/schedule-4QTy.nonce-10-12.expected.json";

export const bytesOf = (base64: string): Uint8Array => fromB64url(base64, true);
const jsonOf = (base64: string): unknown => JSON.parse(utf8Lossy(bytesOf(base64)));

/** An Ed25519 (type 2) message made with arbundles. */
export const ed25519Message = () => bytesOf(edMessage);
/** A raw bundle [SU assignment (salt 478), aoconnect message (salt 32)]. */
export const suMessageBundle = () => bytesOf(suMessage);
/** The 31 outer SU storage items of process 4QTy…, slots 0-30. */
export function suOutputItems(): Uint8Array[] {
  return utf8Lossy(bytesOf(suOutput))
    .split(",")
    .map((s) => s.trim().replace(/^"|"$/g, ""))
    .filter((s) => s.length > 0)
    .map((s) => fromB64url(s));
}
/** The same 31 slots unwrapped (each storage item holds [assignment] or [assignment, item]), in slot order. */
export function suOutputSlots(): StoredSlot[] {
  return suOutputItems()
    .map((raw) => {
      const [assignment, message] = readBundle(parseItem(raw, NO_LIMITS).data);
      const info = readAssignment(assignment);
      return { slot: info.slot, assignmentId: assignment.id, messageId: info.messageId ?? info.processId, timestamp: info.timestamp, assignment: assignment.raw, message: message?.raw };
    })
    .sort((a, b) => a.slot - b.slot);
}

export const processExpectedJson = () => jsonOf(processExpected);
export const scheduleExpectedJson = () => jsonOf(scheduleExpected);
export const scheduleNonceExpectedJson = () => jsonOf(scheduleNonceExpected);

export const PROCESS_4QTY = "4QTyVpvWlwjfsYAvkTSIWjp5XVGf-Rg_Co8K1lPNbvo";
