/**
 * A durable outbox (docs/remote.md): an item to upload is written to SQLite before anything is
 * sent, then retried with backoff until the bundler accepts it. It lives in the NodeObject, whose
 * alarm delivers it, so it survives restarts; `status` shows it.
 */
import { refusal, request } from "../../src/remote/http.ts";

/** A bundler answers an upload with a receipt: a few hundred bytes are read, no more. */
const BUNDLER_ANSWER_BYTES = 64 * 1024;

/** Backoff after the n-th failure: 1 s, 2 s, 4 s … at most 10 minutes. */
export const backoffMs = (attempts: number): number => Math.min(1000 * 2 ** Math.max(0, attempts - 1), 10 * 60 * 1000);

export interface OutboxStatus {
  /** Where items go; none means they stay local. */
  uploadUrl: string | null;
  pending: number;
  delivered: number;
  /** The oldest pending item, if any: what it is, attempts so far, the last error and the next try. */
  oldest: { id: string; kind: string; attempts: number; lastError: string | null; nextAttempt: number } | null;
}

type Row = { id: string; item: ArrayBuffer; kind: string; attempts: number; next_at: number; last_error: string | null };

export class Outbox {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Adds an item once (a second add of the same id is ignored). */
  add(id: string, item: Uint8Array, kind: string, now: number): void {
    this.#sql.exec("INSERT OR IGNORE INTO outbox (id, item, kind, added, attempts, next_at) VALUES (?, ?, ?, ?, 0, ?)", id, item, kind, now, now);
  }

  /** When the next pending item is due, if any. */
  nextDue(): number | undefined {
    return this.#sql.exec<{ at: number | null }>("SELECT min(next_at) AS at FROM outbox WHERE sent IS NULL").one().at ?? undefined;
  }

  /** Tries every due item once; returns how many were delivered. */
  async deliver(uploadUrl: string, now: number, send: (url: string, item: Uint8Array) => Promise<void>): Promise<number> {
    const due = this.#sql.exec<Row>("SELECT id, item, kind, attempts, next_at, last_error FROM outbox WHERE sent IS NULL AND next_at <= ? ORDER BY added LIMIT 50", now).toArray();
    let delivered = 0;
    for (const row of due) {
      try {
        await send(uploadUrl, new Uint8Array(row.item));
        this.#sql.exec("UPDATE outbox SET sent = ?, last_error = NULL, attempts = attempts + 1 WHERE id = ?", Date.now(), row.id);
        delivered++;
      } catch (err) {
        const attempts = row.attempts + 1;
        this.#sql.exec("UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?", attempts, Date.now() + backoffMs(attempts), String((err as Error)?.message ?? err).slice(0, 500), row.id);
      }
    }
    return delivered;
  }

  status(uploadUrl: string | undefined): OutboxStatus {
    const counts = this.#sql.exec<{ pending: number; delivered: number }>("SELECT count(*) FILTER (WHERE sent IS NULL) AS pending, count(sent) AS delivered FROM outbox").one();
    const oldest = this.#sql.exec<Row>("SELECT id, kind, attempts, next_at, last_error FROM outbox WHERE sent IS NULL ORDER BY added LIMIT 1").toArray()[0];
    return {
      uploadUrl: uploadUrl || null,
      pending: counts.pending,
      delivered: counts.delivered,
      oldest: oldest ? { id: oldest.id, kind: oldest.kind, attempts: oldest.attempts, lastError: oldest.last_error, nextAttempt: oldest.next_at } : null,
    };
  }
}

/** Uploads one item to an ANS-104 bundler (`POST <url>/tx`, the operator's UPLOAD_URL); anything but a 200 is a failure. */
export async function uploadToBundler(uploadUrl: string, item: Uint8Array, timeoutMs = 10_000): Promise<void> {
  const init = { method: "POST", headers: { "content-type": "application/octet-stream" }, body: item };
  const a = await request(`${uploadUrl.replace(/\/+$/, "")}/tx`, init, { timeoutMs, role: "bundler", maxBytes: BUNDLER_ANSWER_BYTES });
  if (a.status !== 200) throw refusal(a, "bundler");
}
