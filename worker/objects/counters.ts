/**
 * Counters that hold across isolates (docs/architecture.md "Observability"): each process's
 * object counts its own posts, re-posts and reads, each remote-schedule cache its hits, misses,
 * remote fetches and what failed, in memory and never in the request's path. Background work
 * writes them out a few seconds later (a process object's alarm, a cache's own), and the
 * NodeObject keeps the node's view for `status` and `/metrics`. A restart loses at most the
 * counts of those last seconds.
 */

/** How long counts wait in memory before they are written out. */
export const COUNTER_FLUSH_MS = 5_000;

export interface ProcessCounts {
  /** Items that took a new slot (assignments of this node's own included). */
  posts: number;
  /** Items posted again, answered with their existing slot. */
  reposts: number;
  reads: number;
  /** When the last new slot was taken (ms), or 0. */
  lastWrite: number;
}

/** One process's counts, kept in its object; `dirty` once they changed since written out. */
export class ProcessCounters implements ProcessCounts {
  posts = 0;
  reposts = 0;
  reads = 0;
  lastWrite = 0;
  dirty = false;

  /** Counts a write: a new slot, or a re-post answered with the slot it has. */
  wrote(created: boolean): void {
    if (created) {
      this.posts++;
      this.lastWrite = Date.now();
    } else this.reposts++;
    this.dirty = true;
  }

  read(): void {
    this.reads++;
    this.dirty = true;
  }

  /** Adds counts written out earlier (read once, when the object opens). */
  restore(saved: string | undefined): void {
    if (!saved) return;
    const c = JSON.parse(saved) as Partial<ProcessCounts>;
    this.posts += c.posts ?? 0;
    this.reposts += c.reposts ?? 0;
    this.reads += c.reads ?? 0;
    this.lastWrite = Math.max(this.lastWrite, c.lastWrite ?? 0);
  }

  snapshot(): ProcessCounts {
    return { posts: this.posts, reposts: this.reposts, reads: this.reads, lastWrite: this.lastWrite };
  }
}

export interface CacheCounts {
  /** Reads answered from cached slots alone. */
  hits: number;
  /** Reads that had to ask the remote scheduler. */
  misses: number;
  /** Requests sent to remote schedulers, and the bytes of their answers. */
  fetches: number;
  bytes: number;
  /** Remote pages refused by a check (nothing of them kept). */
  verifyFailures: number;
  /** Remote schedules seen serving another assignment for a cached slot. */
  forks: number;
}

export interface NodeCounts {
  cache: CacheCounts;
  processes: Omit<ProcessCounts, "lastWrite">;
}

export const noCacheCounts = (): CacheCounts => ({ hits: 0, misses: 0, fetches: 0, bytes: 0, verifyFailures: 0, forks: 0 });

/** The node's view of the counters (NodeObject's SQLite): each process's latest counts, and the caches' totals. */
export class CounterBook {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** A process's counts as its object last wrote them out (totals, so a repeated report changes nothing). */
  putProcess(processId: string, c: ProcessCounts): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO process_counters (process_id, posts, reposts, reads, last_write) VALUES (?, ?, ?, ?, ?)",
      processId,
      c.posts,
      c.reposts,
      c.reads,
      c.lastWrite,
    );
  }

  /** The counts of the processes named (those that have reported). */
  processes(ids: readonly string[]): Record<string, ProcessCounts> {
    const out: Record<string, ProcessCounts> = {};
    for (const id of ids) {
      const row = this.#sql
        .exec<{ posts: number; reposts: number; reads: number; last_write: number }>("SELECT posts, reposts, reads, last_write FROM process_counters WHERE process_id = ?", id)
        .toArray()[0];
      if (row) out[id] = { posts: row.posts, reposts: row.reposts, reads: row.reads, lastWrite: row.last_write };
    }
    return out;
  }

  /** Adds a cache's counts since its last report. */
  addCache(d: CacheCounts): void {
    this.#sql.exec(
      "UPDATE cache_counters SET hits = hits + ?, misses = misses + ?, fetches = fetches + ?, bytes = bytes + ?, verify_failures = verify_failures + ?, forks = forks + ? WHERE id = 1",
      d.hits,
      d.misses,
      d.fetches,
      d.bytes,
      d.verifyFailures,
      d.forks,
    );
  }

  /** Node-wide: the caches' totals and the sums of every process's counts. */
  totals(): NodeCounts {
    const p = this.#sql
      .exec<{ posts: number | null; reposts: number | null; reads: number | null }>("SELECT sum(posts) AS posts, sum(reposts) AS reposts, sum(reads) AS reads FROM process_counters")
      .one();
    return { cache: this.#cache(), processes: { posts: p.posts ?? 0, reposts: p.reposts ?? 0, reads: p.reads ?? 0 } };
  }

  #cache(): CacheCounts {
    const r = this.#sql
      .exec<{ hits: number; misses: number; fetches: number; bytes: number; verify_failures: number; forks: number }>("SELECT hits, misses, fetches, bytes, verify_failures, forks FROM cache_counters WHERE id = 1")
      .one();
    return { hits: r.hits, misses: r.misses, fetches: r.fetches, bytes: r.bytes, verifyFailures: r.verify_failures, forks: r.forks };
  }
}
