/**
 * A kept slot as the views show it: its assignment's and message's fields, decoded once, whether
 * the slot holds ANS-104 items or (unverified) the aos-2 structs a HyperBEAM node rendered.
 */
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { tagValue, type Tag } from "../../src/ans104/tags.ts";
import { utf8 } from "../../src/crypto/bytes.ts";
import { addressOfKey } from "../../src/crypto/ids.ts";
import { aos2Of, type Aos2Struct } from "../../src/formats/aos2.ts";
import type { SlotStatus, StoredSlot } from "../../src/schedule/store.ts";

/** One item as shown: its tags, data, who signed it (or, unverified, whom it names) and what its signature is. */
export interface ItemView {
  tags: readonly Tag[];
  data: Uint8Array;
  signer: string;
  signature: string;
}

export interface SlotModel {
  stored: StoredSlot;
  assignment: ItemView;
  message: ItemView | undefined;
  action: string | undefined;
  /** Who signed the message (the process's owner on slot 0); undefined for an assigned id. */
  signer: string | undefined;
  scheduler: string;
}

function itemView(bytes: Uint8Array, id: string): ItemView {
  const item = parseItem(bytes, NO_LIMITS, id);
  return { tags: item.tags, data: item.data, signer: addressOfKey(item.owner), signature: `type ${item.signatureType}, ${item.signature.length} bytes` };
}

function structView(s: Aos2Struct): ItemView {
  const signature = s.Signature === "" ? "httpsig (not in the rendering; cannot be checked here)" : "given, but not checkable: the rendering names the signer by address, not by key";
  return { tags: s.Tags, data: utf8(s.Data), signer: s.Owner, signature };
}

export function slotModel(s: StoredSlot): SlotModel {
  const unverified = s.status === "unverified";
  const assignment = unverified ? structView(aos2Of(s.assignment, "assignment")) : itemView(s.assignment, s.assignmentId);
  // A kept message's id is the one its slot names (checked when it was kept): not hashed again.
  const message = s.message ? (unverified ? structView(aos2Of(s.message, "message")) : itemView(s.message, s.messageId)) : undefined;
  return {
    stored: s,
    assignment,
    message,
    action: message ? (tagValue(message.tags, "Action") ?? tagValue(message.tags, "Type")) : undefined,
    signer: message?.signer,
    scheduler: assignment.signer,
  };
}

/** A slot's status as its badge shows it: class and label (slots scheduled here are "own"). */
export function slotBadge(status: SlotStatus | undefined): { kind: string; label: string } {
  return status === "chain-checked" || status === "unverified" ? { kind: "warn", label: status } : { kind: "ok", label: status ?? "own" };
}
