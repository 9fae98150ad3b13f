/**
 * Append-only schema migrations for Durable Object SQLite. Each entry runs once, in order, in one
 * transaction with the recorded version; never edit an applied entry, add a new one.
 */

export interface Migration {
  id: number;
  description: string;
  sql: string;
}

/** Whether this object's storage has a schema yet (anything was ever written). */
export const hasSchema = (storage: DurableObjectStorage): boolean =>
  storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").toArray().length > 0;

export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[]): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, description TEXT NOT NULL)");
  const applied = sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM _migrations").one().id ?? 0;
  const pending = migrations.filter((m) => m.id > applied);
  if (pending.length === 0) return;
  storage.transactionSync(() => {
    for (const m of pending) {
      sql.exec(m.sql);
      sql.exec("INSERT INTO _migrations (id, description) VALUES (?, ?)", m.id, m.description);
    }
  });
}

export const PROCESS_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: "slots keyed by slot, indexed by message id, assignment id and timestamp; chunked messages; meta",
    sql: `
      CREATE TABLE slots (
        slot INTEGER PRIMARY KEY,
        assignment_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        assignment BLOB NOT NULL,
        message BLOB,
        message_parts INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX slots_by_assignment ON slots (assignment_id);
      CREATE INDEX slots_by_message ON slots (message_id);
      CREATE INDEX slots_by_timestamp ON slots (timestamp);
      CREATE TABLE message_parts (
        slot INTEGER NOT NULL,
        part INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (slot, part)
      ) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    id: 2,
    description: "a status per slot copied from another scheduler (verified or chain-checked); null for our own",
    sql: "ALTER TABLE slots ADD COLUMN status TEXT;",
  },
  {
    id: 3,
    description: "a process registered with the node is marked 'registered' (a spawn no longer writes 'process' and 'unregistered' markers)",
    sql: `
      INSERT OR IGNORE INTO meta (key, value)
        SELECT 'registered', '1' FROM meta WHERE key = 'process' AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'unregistered');
      DELETE FROM meta WHERE key IN ('process', 'unregistered');
    `,
  },
];

export const NODE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: "this node's generated identity and the processes it schedules",
    sql: `
      CREATE TABLE identity (id INTEGER PRIMARY KEY CHECK (id = 1), material TEXT NOT NULL);
      CREATE TABLE processes (process_id TEXT PRIMARY KEY, spawned INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    id: 2,
    description: "scheduler-location records by signer, and the outbox of items to upload",
    sql: `
      CREATE TABLE locations (address TEXT PRIMARY KEY, nonce INTEGER NOT NULL, record BLOB NOT NULL, received INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        item BLOB NOT NULL,
        kind TEXT NOT NULL,
        added INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_at INTEGER NOT NULL,
        last_error TEXT,
        sent INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX outbox_due ON outbox (next_at) WHERE sent IS NULL;
    `,
  },
  {
    id: 3,
    description: "fork proofs this node's remote-schedule caches found (src/remote/fork-proof.ts), at most MAX_PROOFS",
    sql: "CREATE TABLE forks (id TEXT PRIMARY KEY, process_id TEXT NOT NULL, slot INTEGER NOT NULL, scheduler TEXT NOT NULL, source TEXT NOT NULL, found INTEGER NOT NULL, proof TEXT NOT NULL) WITHOUT ROWID;",
  },
  {
    id: 4,
    description: "counters: each process's latest counts (posts, re-posts, reads, last write) and the remote-schedule caches' totals",
    sql: `
      CREATE TABLE process_counters (
        process_id TEXT PRIMARY KEY,
        posts INTEGER NOT NULL,
        reposts INTEGER NOT NULL,
        reads INTEGER NOT NULL,
        last_write INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE cache_counters (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        hits INTEGER NOT NULL,
        misses INTEGER NOT NULL,
        fetches INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        verify_failures INTEGER NOT NULL,
        forks INTEGER NOT NULL
      );
      INSERT INTO cache_counters VALUES (1, 0, 0, 0, 0, 0, 0);
    `,
  },
];

export const INDEX_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    description: "which process holds each message and assignment id (first writer wins)",
    sql: "CREATE TABLE ids (id TEXT PRIMARY KEY, process_id TEXT NOT NULL) WITHOUT ROWID;",
  },
];
