/**
 * The fork proofs this node holds (src/remote/fork-proof.ts), in the NodeObject's SQLite: what its
 * remote-schedule caches found, each proof once (its id covers both assignments), at most
 * MAX_PROOFS, the first ones kept.
 */
import { MAX_PROOFS, proofId, type ForkProof } from "../../src/remote/fork-proof.ts";

/** A proof as `GET /~scheduler@1.0/forks` lists it. */
export interface HeldFork {
  id: string;
  process: string;
  slot: number;
  scheduler: string;
  source: string;
  found: number;
}

type Row = { id: string; process_id: string; slot: number; scheduler: string; source: string; found: number };

export class ForkBook {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Keeps a proof its finder has verified; answers its id, and whether it is held (false when the book is full). */
  keep(proof: ForkProof): { id: string; held: boolean } {
    const id = proofId(proof);
    const count = this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM forks").one().n;
    if (count < MAX_PROOFS) {
      this.#sql.exec(
        "INSERT OR IGNORE INTO forks (id, process_id, slot, scheduler, source, found, proof) VALUES (?, ?, ?, ?, ?, ?, ?)",
        id,
        proof.process,
        proof.slot,
        proof.scheduler,
        proof.source,
        proof["found-at"],
        JSON.stringify(proof),
      );
    }
    return { id, held: this.#sql.exec("SELECT 1 FROM forks WHERE id = ?", id).toArray().length > 0 };
  }

  /** Every proof held, oldest first. */
  list(): HeldFork[] {
    return this.#sql
      .exec<Row>("SELECT id, process_id, slot, scheduler, source, found FROM forks ORDER BY found, id")
      .toArray()
      .map((r) => ({ id: r.id, process: r.process_id, slot: r.slot, scheduler: r.scheduler, source: r.source, found: r.found }));
  }

  /** One proof, as the JSON document it is. */
  get(id: string): string | undefined {
    return this.#sql.exec<{ proof: string }>("SELECT proof FROM forks WHERE id = ?", id).toArray()[0]?.proof;
  }
}
