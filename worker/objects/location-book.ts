/**
 * The scheduler-location records this node holds, one per signer, in the NodeObject's SQLite:
 * its own (signed with its key) and others' (posted to it, or found on the gateway). A signer's
 * nonce only rises: a record is refused unless its nonce is above the one held.
 */
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { RemoteError } from "../../src/remote/errors.ts";
import { expiresAt, readLocation, type LocationRecord } from "../../src/remote/location.ts";

export interface HeldLocation {
  record: LocationRecord;
  receivedAt: number;
  expiresAt: number;
}

type Row = { record: ArrayBuffer; received: number };

export class LocationBook {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  get(address: string): HeldLocation | undefined {
    const row = this.#sql.exec<Row>("SELECT record, received FROM locations WHERE address = ?", address).toArray()[0];
    if (!row) return undefined;
    const record = readLocation(parseItem(new Uint8Array(row.record), NO_LIMITS));
    return { record, receivedAt: row.received, expiresAt: expiresAt(record, row.received) };
  }

  /**
   * Keeps a verified record. `strict` (a posted record): its nonce must be above the one held and
   * it must not have expired. Otherwise (a gateway lookup) it replaces only an older or expired one.
   */
  put(record: LocationRecord, now: number, strict: boolean): HeldLocation {
    const held = this.get(record.address);
    if (strict) {
      if (held && record.nonce <= held.record.nonce) {
        throw new RemoteError("stale-nonce", `location nonce ${record.nonce} is not above the nonce ${held.record.nonce} already held for ${record.address}`, {
          "requested-nonce": record.nonce,
          "existing-nonce": held.record.nonce,
        });
      }
      if (expiresAt(record, now) <= now) throw new RemoteError("bad-location", `scheduler-location record ${record.id} has expired (Time-To-Live ${record.ttl} ms from ${record.timestamp})`);
    } else if (held && held.record.nonce > record.nonce && held.expiresAt > now) {
      return held;
    }
    this.#sql.exec("INSERT OR REPLACE INTO locations (address, nonce, record, received) VALUES (?, ?, ?, ?)", record.address, record.nonce, record.raw, now);
    return { record, receivedAt: now, expiresAt: expiresAt(record, now) };
  }
}
