/** The schedule as one binary ANS-104 bundle (`accept: application/ans104`): assignment, then its message, slot by slot. */
import { writeBundle } from "../ans104/bundle.ts";
import type { SchedulePage } from "./page.ts";

export function pageToBundle(page: SchedulePage): Uint8Array {
  const items: { id: string; raw: Uint8Array }[] = [];
  for (const s of page.slots) {
    items.push({ id: s.assignmentId, raw: s.assignment });
    // A held message's id is the slot's message id (the process id on slot 0).
    if (s.message) items.push({ id: s.messageId, raw: s.message });
  }
  return writeBundle(items);
}
