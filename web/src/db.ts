/**
 * The dashboard's IndexedDB database: every mirrored process's slots in one `slots` store, keyed
 * [processId, slot], one `mirrors` record per process (web/src/mirror-job.ts), and the fork proofs
 * its mirrors found (`forks`, keyed by proof id). Opened with idb, whose DBSchema types every
 * store, key and index below.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { Dialect } from "../../src/remote/client.ts";
import { MAX_PROOFS, proofId, type ForkProof } from "../../src/remote/fork-proof.ts";
import type { SlotStatus, StoredSlot } from "../../src/schedule/store.ts";

/** A StoredSlot plus the process it belongs to (the first half of every key). */
export interface SlotRecord extends StoredSlot {
  processId: string;
}

export type MirrorState = "idle" | "running" | "paused" | "done" | "failed";

/** What a mirror job keeps between runs and page loads. */
export interface MirrorRecord {
  processId: string;
  url: string;
  /** How the source is read (its variant, or aos-2 for a HyperBEAM node). */
  variant: Dialect;
  /** The scheduler's address, when a location record named it; otherwise slot 0's signer is trusted. */
  scheduler?: string;
  state: MirrorState;
  /** The last slot kept, -1 for none. */
  kept: number;
  /** The remote's current slot when last asked, -1 before. */
  total: number;
  /** Why the last run stopped, when it failed; `slot` when a slot failed a check or forked. */
  error?: { code: string; message: string; slot?: number };
  /** Kept slots by how far they were checked. */
  counts: Record<SlotStatus, number>;
  /** When the last run started, and when the record last changed (ms since epoch). */
  startedAt: number;
  updatedAt: number;
}

export interface DashboardSchema extends DBSchema {
  slots: {
    key: [string, number];
    value: SlotRecord;
    indexes: { message: [string, string]; assignment: [string, string]; timestamp: [string, number] };
  };
  mirrors: { key: string; value: MirrorRecord };
  forks: { key: string; value: KeptFork; indexes: { process: string } };
}

/** A fork proof a mirror found (src/remote/fork-proof.ts), as the Forks list shows it. */
export interface KeptFork {
  id: string;
  processId: string;
  slot: number;
  proof: ForkProof;
}

export type DashboardDb = IDBPDatabase<DashboardSchema>;

export const DB_VERSION = 2;

/** Opens (creating on first use) the dashboard database; tests pass their own name for a fresh one. */
export function openDashboardDb(name = "ao-dashboard"): Promise<DashboardDb> {
  return openDB<DashboardSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // One step per version; never edit an applied one.
      if (oldVersion < 1) {
        const slots = db.createObjectStore("slots", { keyPath: ["processId", "slot"] });
        slots.createIndex("message", ["processId", "messageId"]);
        slots.createIndex("assignment", ["processId", "assignmentId"]);
        slots.createIndex("timestamp", ["processId", "timestamp"]);
        db.createObjectStore("mirrors", { keyPath: "processId" });
      }
      if (oldVersion < 2) db.createObjectStore("forks", { keyPath: "id" }).createIndex("process", "processId");
    },
  });
}

/** Counts a kept slot by its status (records kept before a status existed lack its count). */
export function countStatus(counts: MirrorRecord["counts"], s: StoredSlot): void {
  if (s.status) counts[s.status] = (counts[s.status] ?? 0) + 1;
}

/** Keeps a proof (once: the same two assignments are one proof), unless MAX_PROOFS are kept already. */
export async function keepFork(db: DashboardDb, proof: ForkProof): Promise<KeptFork | undefined> {
  const fork: KeptFork = { id: proofId(proof), processId: proof.process, slot: proof.slot, proof };
  const tx = db.transaction("forks", "readwrite");
  const [held, count] = await Promise.all([tx.store.getKey(fork.id), tx.store.count()]);
  if (held === undefined && count < MAX_PROOFS) await tx.store.put(fork);
  await tx.done;
  return held === undefined && count >= MAX_PROOFS ? undefined : fork;
}
