/** One error type for the scheduling layer; hosts map `code` to a status (see worker/errors.ts). */

export type ScheduleErrorCode =
  | "invalid-item" // bad bytes, bad or missing signature, malformed tags
  | "invalid-process" // a Type=Process item missing what a process needs
  | "invalid-message" // a message we cannot place (no target, wrong type)
  | "wrong-scheduler" // the process names another scheduler
  | "unknown-process"
  | "not-found"
  | "bad-request"
  | "unavailable";

export class ScheduleError extends Error {
  readonly code: ScheduleErrorCode;
  /** Extra fields for the client, e.g. the scheduler a process belongs to. */
  readonly details: Record<string, string | number> | undefined;

  constructor(code: ScheduleErrorCode, message: string, details?: Record<string, string | number>) {
    super(message);
    this.name = "ScheduleError";
    this.code = code;
    this.details = details;
  }
}
