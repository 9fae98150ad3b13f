/** A scheduling result in the contract's shape (worker/contract.ts ScheduledWire). */
import { readAssignment } from "../../src/schedule/assignment.ts";
import type { Scheduled, Scheduler } from "../../src/schedule/scheduler.ts";
import type { ScheduledWire } from "../contract.ts";

/** A new slot's message is what the caller sent, so it is not sent back; an existing one is read. */
export async function scheduledWire(s: Scheduler, r: Scheduled): Promise<ScheduledWire> {
  const stored = r.created ? undefined : await s.store.get(r.slot);
  const info = readAssignment(r.assignment);
  return {
    slot: r.slot,
    assignment: r.assignment.raw,
    assignmentId: r.assignment.id,
    created: r.created,
    message: r.created ? undefined : stored?.message,
    messageId: stored?.messageId ?? info.messageId ?? s.processId,
    timestamp: info.timestamp,
    height: info.height,
  };
}
