/** A scheduling result as it crosses Durable Object RPC back to the worker's routes. */
import { readAssignment } from "../src/schedule/assignment.ts";
import type { Scheduled, Scheduler } from "../src/schedule/scheduler.ts";

export interface ScheduledWire {
  slot: number;
  /** Raw assignment bytes. */
  assignment: Uint8Array;
  assignmentId: string;
  created: boolean;
  /** The item's bytes (the assignment's `body`) for an existing slot; for a new one the caller has them. */
  message: Uint8Array | undefined;
  messageId: string;
  /** Set when another scheduler made the assignment (this node only passed the item on). */
  proxied?: true;
}

/** A new slot's message is what the caller sent, so it is not sent back; an existing one is read. */
export async function scheduledWire(s: Scheduler, r: Scheduled): Promise<ScheduledWire> {
  const stored = r.created ? undefined : await s.store.get(r.slot);
  return {
    slot: r.slot,
    assignment: r.assignment.raw,
    assignmentId: r.assignment.id,
    created: r.created,
    message: r.created ? undefined : stored?.message,
    messageId: stored?.messageId ?? readAssignment(r.assignment).messageId ?? s.processId,
  };
}
