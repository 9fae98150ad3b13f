/**
 * The Store over Durable Object SQLite (D10, docs/architecture.md). One row per slot; messages
 * larger than a row may hold are split into parts. Appends and head reads touch O(log n) pages
 * whatever the length.
 * With `deferred` (SCHEDULING_MODE=aggressive) an append returns before its write: rows wait in
 * memory, are written at the end of the turn, and every read writes them first.
 *
 * The schema is created by the first write, not by the first read: looking up ids that no process
 * holds (anyone can ask for any id) must leave no storage behind.
 */
import { slotBytes, type RangeQuery, type SlotStatus, type Store, type StoredSlot } from "../../src/schedule/store.ts";
import { hasSchema, migrate, PROCESS_MIGRATIONS } from "./migrations.ts";

/** Rows are limited to 2 MB in SQLite-backed Durable Objects: a message over this size (1 MiB) is stored in parts of it. */
export const PART_BYTES = 1024 * 1024;

type Row = {
  slot: number;
  assignment_id: string;
  message_id: string;
  timestamp: number;
  assignment: ArrayBuffer;
  message: ArrayBuffer | null;
  message_parts: number;
  status: SlotStatus | null;
};

const COLUMNS = "slot, assignment_id, message_id, timestamp, assignment, message, message_parts, status";

/** Whether a slot's message is stored in parts. */
const split = (s: StoredSlot): boolean => s.message !== undefined && s.message.length > PART_BYTES;

export interface SqliteStoreOptions {
  /** Append returns before the write (SCHEDULING_MODE=aggressive). */
  deferred?: boolean;
  afterWrite?: (rows: StoredSlot[]) => void;
  onWriteFailure?: (err: unknown) => void;
}

export class SqliteStore implements Store {
  readonly #storage: DurableObjectStorage;
  readonly #sql: SqlStorage;
  readonly #deferred: boolean;
  readonly #afterWrite: ((rows: StoredSlot[]) => void) | undefined;
  readonly #onWriteFailure: ((err: unknown) => void) | undefined;
  #pending: StoredSlot[] = [];
  #flushScheduled = false;
  #ready: boolean;

  /**
   * `afterWrite` is told of rows once they are written (in deferred mode, as late as they are).
   * `onWriteFailure` is told when a deferred write fails, after its answer was already given.
   */
  constructor(storage: DurableObjectStorage, opts: SqliteStoreOptions = {}) {
    this.#storage = storage;
    this.#sql = storage.sql;
    this.#deferred = opts.deferred ?? false;
    this.#afterWrite = opts.afterWrite;
    this.#onWriteFailure = opts.onWriteFailure;
    this.#ready = hasSchema(storage);
    if (this.#ready) migrate(storage, PROCESS_MIGRATIONS); // apply any newer migrations
  }

  /** Whether anything was ever written (the schema exists). */
  get ready(): boolean {
    return this.#ready;
  }

  async append(s: StoredSlot): Promise<void> {
    if (!this.#deferred) return this.#write([s]);
    this.#pending.push(s);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setTimeout(() => {
        try {
          this.flush();
        } catch (err) {
          console.error("deferred write failed", err);
          this.#onWriteFailure?.(err);
        }
      }, 0);
    }
  }

  async appendAll(slots: readonly StoredSlot[]): Promise<void> {
    this.flush(); // rows held back go first, in order
    this.#write([...slots]);
  }

  /** Writes rows held back by deferred appends. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0) return;
    const rows = this.#pending;
    this.#write(rows);
    this.#pending = [];
  }

  #write(rows: StoredSlot[]): void {
    if (!this.#ready) {
      migrate(this.#storage, PROCESS_MIGRATIONS);
      this.#ready = true;
    }
    // One statement is atomic by itself; several (a page of rows, a message in parts) are one
    // transaction. A transaction costs three times the insert it wraps (measured in workerd).
    if (rows.length === 1 && !split(rows[0])) this.#insert(rows[0]);
    else this.#storage.transactionSync(() => rows.forEach((s) => this.#insert(s)));
    this.#afterWrite?.(rows);
  }

  #insert(s: StoredSlot): void {
    const parts = split(s);
    this.#sql.exec(
      `INSERT INTO slots (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      s.slot,
      s.assignmentId,
      s.messageId,
      s.timestamp,
      s.assignment,
      parts ? null : (s.message ?? null),
      parts ? Math.ceil(s.message!.length / PART_BYTES) : 0,
      s.status ?? null,
    );
    if (!parts) return;
    for (let at = 0, part = 0; at < s.message!.length; at += PART_BYTES, part++) {
      this.#sql.exec("INSERT INTO message_parts (slot, part, bytes) VALUES (?, ?, ?)", s.slot, part, s.message!.subarray(at, at + PART_BYTES));
    }
  }

  /** The highest slot, -1 for none; synchronous, for the subscribers of live schedules. */
  lastSlot(): number {
    this.flush();
    return this.#slot("SELECT slot FROM slots ORDER BY slot DESC LIMIT 1") ?? -1;
  }

  async last() {
    this.flush();
    return this.#one(`SELECT ${COLUMNS} FROM slots ORDER BY slot DESC LIMIT 1`);
  }

  async get(slot: number) {
    this.flush();
    return this.#one(`SELECT ${COLUMNS} FROM slots WHERE slot = ?`, slot);
  }

  async slotOfMessage(id: string) {
    this.flush();
    return this.#slot("SELECT slot FROM slots WHERE message_id = ? ORDER BY slot LIMIT 1", id);
  }

  async slotOfAssignment(id: string) {
    this.flush();
    return this.#slot("SELECT slot FROM slots WHERE assignment_id = ?", id);
  }

  async firstSlotAfter(timestamp: number) {
    this.flush();
    return this.#slot("SELECT slot FROM slots WHERE timestamp > ? ORDER BY timestamp, slot LIMIT 1", timestamp);
  }

  async lastSlotAtOrBefore(timestamp: number) {
    this.flush();
    return this.#slot("SELECT slot FROM slots WHERE timestamp <= ? ORDER BY timestamp DESC, slot DESC LIMIT 1", timestamp);
  }

  async range({ from, to, limit, maxBytes }: RangeQuery) {
    this.flush();
    const out: StoredSlot[] = [];
    if (!this.#ready) return out;
    let bytes = 0;
    for (const row of this.#sql.exec<Row>(`SELECT ${COLUMNS} FROM slots WHERE slot >= ? AND slot <= ? ORDER BY slot LIMIT ?`, from, to, limit)) {
      const s = this.#toSlot(row);
      bytes += slotBytes(s);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(s);
    }
    return out;
  }

  /** Message and assignment ids of slots from `from`, at most `limit` (for the global id index). */
  ids(from: number, limit: number): { slot: number; messageId: string; assignmentId: string }[] {
    this.flush();
    if (!this.#ready) return [];
    return this.#sql
      .exec<{ slot: number; message_id: string; assignment_id: string }>("SELECT slot, message_id, assignment_id FROM slots WHERE slot >= ? ORDER BY slot LIMIT ?", from, limit)
      .toArray()
      .map((r) => ({ slot: r.slot, messageId: r.message_id, assignmentId: r.assignment_id }));
  }

  #one(query: string, ...args: unknown[]): StoredSlot | undefined {
    if (!this.#ready) return undefined;
    const rows = this.#sql.exec<Row>(query, ...args).toArray();
    return rows.length ? this.#toSlot(rows[0]) : undefined;
  }

  #slot(query: string, ...args: unknown[]): number | undefined {
    if (!this.#ready) return undefined;
    const rows = this.#sql.exec<{ slot: number }>(query, ...args).toArray();
    return rows.length ? rows[0].slot : undefined;
  }

  #toSlot(row: Row): StoredSlot {
    const slot: StoredSlot = {
      slot: row.slot,
      assignmentId: row.assignment_id,
      messageId: row.message_id,
      timestamp: row.timestamp,
      assignment: new Uint8Array(row.assignment),
      message: row.message_parts > 0 ? this.#parts(row.slot, row.message_parts) : row.message ? new Uint8Array(row.message) : undefined,
    };
    if (row.status) slot.status = row.status;
    return slot;
  }

  #parts(slot: number, count: number): Uint8Array {
    const parts = this.#sql.exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM message_parts WHERE slot = ? ORDER BY part", slot).toArray();
    if (parts.length !== count) throw new Error(`slot ${slot}: expected ${count} message parts, found ${parts.length}`);
    let size = 0;
    for (const p of parts) size += p.bytes.byteLength;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(new Uint8Array(p.bytes), at);
      at += p.bytes.byteLength;
    }
    return out;
  }
}
