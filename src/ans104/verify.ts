/** Verifies a parsed item's signature, telling unsigned, unsupported and bad signatures apart. */
import { signatureType } from "../crypto/signature-types.ts";
import { verifySignature } from "../crypto/verify.ts";
import type { DataItem } from "./data-item.ts";
import { signatureMessage } from "./sign.ts";

export type Verdict = "valid" | "unsigned" | "unsupported-signature-type" | "invalid-signature";

export async function verifyItem(item: DataItem): Promise<Verdict> {
  if (allZero(item.signature)) return "unsigned";
  if (!signatureType(item.signatureType)?.verifiable) return "unsupported-signature-type";
  const message = await signatureMessage(item);
  return (await verifySignature(item.signatureType, item.owner, item.signature, message)) ? "valid" : "invalid-signature";
}

function allZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Human text for a verdict other than "valid", naming the item. */
export function verdictMessage(verdict: Exclude<Verdict, "valid">, item: DataItem): string {
  switch (verdict) {
    case "unsigned":
      return `item ${item.id} is unsigned (its signature is all zeros)`;
    case "unsupported-signature-type":
      return `item ${item.id} has signature type ${item.signatureType} (${signatureType(item.signatureType)?.name}); accepted types are 1 (arweave), 2 (ed25519) and 3 (ethereum)`;
    case "invalid-signature":
      return `item ${item.id}: signature does not verify`;
  }
}
