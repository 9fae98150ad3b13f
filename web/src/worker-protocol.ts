/** What the page and the mirror worker say to each other (structured clone, so plain data only). */
import type { Variant } from "../../src/remote/client.ts";
import type { MirrorRecord } from "./db.ts";

export type Job = { url: string; processId: string; variant: Variant | "auto" };

export type Call =
  | { op: "mirror"; job: Job }
  | { op: "pause" | "resume" | "sync" | "remove" | "audit"; processId: string }
  | { op: "follow"; processId: string; on: boolean }
  | { op: "import"; bytes: Uint8Array }
  | { op: "verify-rate"; processId: string };

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

export type Event =
  | { type: "reply"; id: number; ok: true; value?: unknown }
  | { type: "reply"; id: number; ok: false; error: string }
  | { type: "record"; record: MirrorRecord; progress?: Progress }
  | { type: "removed"; processId: string }
  | { type: "audit"; report: AuditReport };
