/**
 * The dashboard's IndexedDB database: every mirrored process's slots in one `chunks` store, keyed
 * [processId, first slot], consecutive slots a record (at most CHUNK_SLOTS, and CHUNK_BYTES of
 * items unless one slot alone is larger), each with a `digests` record under the same key (its
 * slots' ids, hashed); one `mirrors` record per process (web/src/mirror-job.ts); and the fork
 * proofs its mirrors found (`forks`, keyed by proof id). Opened with idb, whose DBSchema types
 * every store, key and index below.
 *
 * Why chunks: IndexedDB charges per record far more than per byte (in Chromium every write is a
 * round trip to the browser process, then a write per index), so a slot a record cost about as
 * much to keep as checking its two signatures. A chunk of 100 costs a few times less and one of
 * 250 less again: a write costs roughly the same from just over 64 KiB (where Chromium begins to
 * keep a value as a blob of its own, and where 100 slots of about 800 bytes sat) to a few hundred
 * KiB. The byte bound keeps a chunk of large messages small enough to read for one slot.
 *
 * Why digests and not an index of ids: an index entry costs a write of its own, and two a slot
 * (message and assignment ids) were most of what storing a mirror cost the browser (75 µs a slot
 * against 16.5 without them, case 9). A lookup by id reads the process's digests instead (8 bytes
 * a slot) and confirms a match in its chunk.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from "idb";
import type { Dialect } from "../../src/remote/client.ts";
import { MAX_PROOFS, proofId, type ForkProof } from "../../src/remote/fork-proof.ts";
import type { SlotStatus, StoredSlot } from "../../src/schedule/store.ts";

/** Slots a chunk holds at most. */
export const CHUNK_SLOTS = 250;
/** A chunk takes no slot that would bring its items' bytes over this (a larger slot is a chunk of its own). */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Consecutive slots of one process, from `first` (any slot: database version 3 began one every
 * 100 slots, and later chunks begin where the one before ended); the first and last timestamps
 * index lookups by time.
 */
export interface ChunkRecord {
  processId: string;
  first: number;
  slots: StoredSlot[];
  firstTimestamp: number;
  lastTimestamp: number;
}

/** The ids of a chunk's slots, hashed (idHash): message then assignment, slot by slot. */
export interface DigestRecord {
  processId: string;
  first: number;
  ids: Uint32Array;
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
  /**
   * Why the last run stopped, when it failed; `slot` when a slot failed a check or forked. A
   * complete mirror whose sync could not reach its source stays "done" with the error noted.
   */
  error?: { code: string; message: string; slot?: number };
  /** Kept slots by how far they were checked. */
  counts: Record<SlotStatus, number>;
  /** When the last run started, and when the record last changed (ms since epoch). */
  startedAt: number;
  updatedAt: number;
}

const SOURCE_FAILURES = new Set(["remote-failed", "remote-timeout", "remote-rejected", "remote-too-large", "not-found"]);

/** A failure of the source (unreachable, refusing, unreadable), not of anything it served nor of this browser: trying again later may succeed. */
export const sourceFailure = (e: NonNullable<MirrorRecord["error"]>): boolean => e.slot === undefined && SOURCE_FAILURES.has(e.code);

export interface DashboardSchema extends DBSchema {
  chunks: {
    key: [string, number];
    value: ChunkRecord;
    indexes: { firstTimestamp: [string, number]; lastTimestamp: [string, number] };
  };
  digests: { key: [string, number]; value: DigestRecord };
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

export const DB_VERSION = 4;

export interface OpenOptions {
  /** Another tab holds the database open at an older version (an older dashboard): this open waits until it lets go. */
  blocked?: () => void;
  /** A newer dashboard in another tab is upgrading the database: this connection has been closed for it. */
  blocking?: () => void;
}

/**
 * Opens (creating on first use) the dashboard database; tests pass their own name for a fresh one.
 * A connection closes itself when a newer version wants the database, so no tab of this version
 * keeps another waiting.
 */
export function openDashboardDb(name = "ao-dashboard", o: OpenOptions = {}): Promise<DashboardDb> {
  const opening: Promise<DashboardDb> = openDB<DashboardSchema>(name, DB_VERSION, {
    blocked: () => o.blocked?.(),
    blocking: () => {
      void opening.then((db) => db.close());
      o.blocking?.();
    },
    async upgrade(db, oldVersion, _newVersion, tx) {
      // One step per version; never change what an applied one does (the version-3 step now
      // writes chunks without ids, which the version-4 step removes anyway). Versions 1 and 2 kept
      // a slot a record, in a store the schema no longer types.
      const old = db as unknown as IDBPDatabase;
      if (oldVersion < 1) {
        const slots = old.createObjectStore("slots", { keyPath: ["processId", "slot"] });
        slots.createIndex("message", ["processId", "messageId"]);
        slots.createIndex("assignment", ["processId", "assignmentId"]);
        slots.createIndex("timestamp", ["processId", "timestamp"]);
        db.createObjectStore("mirrors", { keyPath: "processId" });
      }
      if (oldVersion < 2) db.createObjectStore("forks", { keyPath: "id" }).createIndex("process", "processId");
      if (oldVersion < 3) {
        const chunks = old.createObjectStore("chunks", { keyPath: ["processId", "first"] });
        chunks.createIndex("ids", "ids", { multiEntry: true });
        chunks.createIndex("firstTimestamp", ["processId", "firstTimestamp"]);
        chunks.createIndex("lastTimestamp", ["processId", "lastTimestamp"]);
        // Every kept slot moves into chunks, in key order (process, then slot).
        const from = (tx as unknown as IDBPTransaction<unknown, string[], "versionchange">).objectStore("slots");
        let group: StoredSlot[] = [];
        let process = "";
        const flush = async () => {
          if (group.length > 0) await chunks.put(chunkOf(process, group));
          group = [];
        };
        for (let cursor = await from.openCursor(); cursor; cursor = await cursor.continue()) {
          const { processId, ...slot } = cursor.value as StoredSlot & { processId: string };
          if (processId !== process || slot.slot % 100 === 0) await flush();
          process = processId;
          group.push(slot);
        }
        await flush();
        old.deleteObjectStore("slots");
      }
      if (oldVersion < 4) {
        // Lookups by id move from the chunks' `ids` index to a digest record per chunk.
        const chunks = tx.objectStore("chunks");
        chunks.deleteIndex("ids");
        const digests = db.createObjectStore("digests", { keyPath: ["processId", "first"] });
        for (let cursor = await chunks.openCursor(); cursor; cursor = await cursor.continue()) {
          const { ids: _, ...chunk } = cursor.value as ChunkRecord & { ids?: string[] };
          await cursor.update(chunk);
          await digests.put(digestOf(chunk.processId, chunk.slots));
        }
      }
    },
  });
  return opening;
}

/** The chunk record of consecutive slots. */
export function chunkOf(processId: string, slots: StoredSlot[]): ChunkRecord {
  return {
    processId,
    first: slots[0].slot,
    slots,
    firstTimestamp: slots[0].timestamp,
    lastTimestamp: slots.at(-1)!.timestamp,
  };
}

/** A 32-bit hash of an id (FNV-1a over its characters): what a digest keeps of it. Different ids may share one; a lookup confirms a match in the chunk. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The digest record of a chunk's slots. */
export function digestOf(processId: string, slots: readonly StoredSlot[]): DigestRecord {
  const ids = new Uint32Array(2 * slots.length);
  slots.forEach((s, i) => {
    ids[2 * i] = idHash(s.messageId);
    ids[2 * i + 1] = idHash(s.assignmentId);
  });
  return { processId, first: slots[0].slot, ids };
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
