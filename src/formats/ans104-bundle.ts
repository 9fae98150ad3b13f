/** The schedule as one binary ANS-104 bundle (`accept: application/ans104`): assignment, then its message, slot by slot. */
import { writeBundle } from "../ans104/bundle.ts";
import type { SlotView } from "./hyperbeam-json.ts";
import type { SchedulePage } from "./page.ts";

type Entry = { id: string; raw: Uint8Array };

function addSlot(items: Entry[], s: SlotView): void {
  items.push({ id: s.assignmentId, raw: s.assignment });
  // A held message's id is the slot's message id (the process id on slot 0).
  if (s.message) items.push({ id: s.messageId, raw: s.message });
}

export function pageToBundle(page: SchedulePage): Uint8Array {
  const items: Entry[] = [];
  for (const s of page.slots) addSlot(items, s);
  return writeBundle(items);
}

/** One slot as a bundle of its assignment and (when held) its message: a live subscription's binary frame. */
export function slotToBundle(s: SlotView): Uint8Array {
  const items: Entry[] = [];
  addSlot(items, s);
  return writeBundle(items);
}
