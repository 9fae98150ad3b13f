/**
 * HyperBEAM's schedule as JSON (`accept: application/json`): `assignments` keyed by slot, each
 * assignment with its message under `body`. Lossless: every item carries its ans104 commitment.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import type { StoredSlot } from "../schedule/store.ts";
import { itemToJson, type ItemJson } from "./item-json.ts";
import type { SchedulePage } from "./page.ts";

/** The fields of a stored slot a rendering needs (ids known, so nothing is hashed again). */
export type SlotView = Pick<StoredSlot, "slot" | "assignment" | "assignmentId" | "message" | "messageId">;

/**
 * One slot: the assignment's fields, `slot` as a number, and the message (if held) as `body`.
 * `message`, when the caller has already parsed the slot's message, saves parsing it again.
 */
export function assignmentToJson(s: SlotView, message?: DataItem): ItemJson {
  const json = itemToJson(parseItem(s.assignment, NO_LIMITS, s.assignmentId));
  json.slot = s.slot;
  const body = message ?? (s.message && parseItem(s.message, NO_LIMITS, s.messageId));
  if (body) json.body = itemToJson(body);
  return json;
}

export function pageToJson(page: SchedulePage): Record<string, unknown> {
  const assignments: Record<string, ItemJson> = {};
  for (const s of page.slots) assignments[String(s.slot)] = assignmentToJson(s);
  return {
    type: "schedule",
    process: page.processId,
    continues: page.continues,
    timestamp: page.timestamp,
    "block-height": page.height,
    assignments,
  };
}
