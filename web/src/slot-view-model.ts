/** A kept slot as the views show it: its assignment's and message's fields, decoded once. */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { tagValue } from "../../src/ans104/tags.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";

export interface SlotModel {
  stored: StoredSlot;
  assignment: DataItem;
  message: DataItem | undefined;
  action: string | undefined;
  /** Who signed the message (the process's owner on slot 0); undefined for an assigned id. */
  signer: string | undefined;
  scheduler: string;
}

export function slotModel(s: StoredSlot): SlotModel {
  const assignment = parseItem(s.assignment, NO_LIMITS, s.assignmentId);
  const message = s.message ? parseItem(s.message, NO_LIMITS) : undefined;
  return {
    stored: s,
    assignment,
    message,
    action: message ? (tagValue(message.tags, "Action") ?? tagValue(message.tags, "Type")) : undefined,
    signer: message ? addressOf(message.owner) : undefined,
    scheduler: addressOf(assignment.owner),
  };
}
