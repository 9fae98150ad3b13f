/**
 * What the dashboard's threads say to each other (structured clone, so plain data only): the page
 * and the mirror worker (calls, replies and events), and the mirror worker and its pool of check
 * workers (tasks, progress and results). Errors cross every boundary one way: as a WireError,
 * rebuilt on arrival into the RemoteError it was (code, message, details) or a plain Error.
 */
import type { AuditResult } from "../../src/remote/audit.ts";
import type { Dialect } from "../../src/remote/client.ts";
import { RemoteError, type RemoteErrorCode } from "../../src/remote/errors.ts";
import type { ForkProof } from "../../src/remote/fork-proof.ts";
import type { Progress } from "../../src/remote/mirror.ts";
import type { ChainState, RemoteSlot, VerifyContext } from "../../src/remote/verify.ts";
import type { SlotStatus } from "../../src/schedule/store.ts";
import type { MirrorRecord } from "./db.ts";

// ## Errors

export interface WireError {
  code?: string;
  message: string;
  details?: Record<string, string | number>;
}

export function toWire(err: unknown): WireError {
  const e = err as { code?: unknown; message?: unknown; details?: unknown };
  const wire: WireError = { message: typeof e?.message === "string" ? e.message : String(err) };
  if (typeof e?.code === "string") wire.code = e.code;
  if (e?.details && typeof e.details === "object") wire.details = e.details as Record<string, string | number>;
  return wire;
}

export const fromWire = (e: WireError): Error => (e.code ? new RemoteError(e.code as RemoteErrorCode, e.message, e.details) : new Error(e.message));

// ## The page and the mirror worker

export type Job = { url: string; processId: string; variant: Dialect | "auto" };

export type Call =
  | { op: "mirror"; job: Job }
  | { op: "pause" | "resume" | "sync" | "remove" | "audit"; processId: string }
  | { op: "follow"; processId: string; on: boolean }
  | { op: "import"; bytes: Uint8Array }
  | { op: "reconnect" };

/** What an import did: the slots the file held, how many of them were new here, and the record after. */
export interface Imported {
  record: MirrorRecord;
  inFile: number;
  added: number;
}

export interface AuditReport extends AuditResult {
  processId: string;
  total: number;
  done: boolean;
  ms: number;
}

export type Event =
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: WireError }
  | { type: "record"; record: MirrorRecord; progress?: Progress }
  | { type: "removed"; processId: string }
  | { type: "audit"; report: AuditReport }
  | { type: "fork"; proof: ForkProof };

// ## The mirror worker and its check workers (web/src/pool.ts)

/** A part of a fetched page to check, or a part of a kept schedule (slots `from` to `to`) to check again. */
export type Task =
  | { kind: "verify"; slots: RemoteSlot[]; ctx: VerifyContext; previous: ChainState | undefined }
  | { kind: "audit"; processId: string; scheduler: string | undefined; from: number; to: number };

/** What checking a page part found for each slot: the rest of its StoredSlot is the bytes the pool sent. */
export interface SlotVerdict {
  assignmentId: string;
  messageId: string;
  timestamp: number;
  status: SlotStatus;
}

export type TaskResult = { kind: "verify"; slots: SlotVerdict[]; scheduler: string | undefined } | { kind: "audit"; result: AuditResult };

export type TaskReply = { id: number; type: "progress"; checked: number } | { id: number; type: "done"; value: TaskResult } | { id: number; type: "failed"; error: WireError };
