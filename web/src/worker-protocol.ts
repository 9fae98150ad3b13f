/** What the page says to its workers and hears back (structured clone, so plain data only). */
import type { AuditResult } from "../../src/remote/audit.ts";
import type { Variant } from "../../src/remote/client.ts";
import type { ChainState, RemoteSlot, VerifyContext } from "../../src/remote/verify.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import type { MirrorRecord } from "./db.ts";

export type Job = { url: string; processId: string; variant: Variant | "auto" };

export type Call =
  | { op: "mirror"; job: Job }
  | { op: "pause" | "resume" | "sync" | "remove"; processId: string }
  | { op: "follow"; processId: string; on: boolean }
  | { op: "import"; bytes: Uint8Array };

export interface Progress {
  kept: number;
  total: number;
  /** Slots kept per second over this run. */
  rate: number;
  /** Seconds left at that rate; undefined when unknown. */
  eta: number | undefined;
}

export interface AuditReport {
  processId: string;
  checked: number;
  total: number;
  done: boolean;
  verified: number;
  chainChecked: number;
  broken?: { slot: number; check: string; expected?: string; found?: string; message: string };
  ms: number;
}

/** One audit worker's part: slots `from` to `to` of a kept schedule, every one held to `scheduler`. */
export interface AuditPart {
  processId: string;
  scheduler: string | undefined;
  from: number;
  to: number;
}

export type AuditPartEvent = { type: "progress"; checked: number } | { type: "done"; result: AuditResult } | { type: "failed"; error: string };

/** A part of a fetched page for a verify worker, and its answer (verifySlots's, or its error). */
export interface VerifyRequest {
  id: number;
  slots: RemoteSlot[];
  ctx: VerifyContext;
  previous: ChainState | undefined;
}

export type VerifyReply =
  | { id: number; ok: true; value: { slots: StoredSlot[]; scheduler: string | undefined } }
  | { id: number; ok: false; error: { code?: string; message: string; details?: Record<string, string | number> | undefined } };

export type Event =
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: string }
  | { type: "record"; record: MirrorRecord; progress?: Progress }
  | { type: "removed"; processId: string }
  | { type: "audit"; report: AuditReport };
