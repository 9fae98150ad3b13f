/**
 * The node's own Durable Object (one, named "node"): the generated identity when no key is
 * configured, and the list of processes this node schedules (for `status`; survives restarts).
 */
import { DurableObject } from "cloudflare:workers";
import { fromB64url, b64url } from "../src/crypto/base64url.ts";
import { generateKeyMaterial, type KeyMaterial } from "../src/crypto/keys.ts";
import type { Env } from "./env.ts";
import { migrate, NODE_MIGRATIONS } from "./migrations.ts";

export class NodeObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, NODE_MIGRATIONS);
  }

  /** The persisted identity, generated (Ed25519) on first call. */
  keyMaterial(): KeyMaterial {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ material: string }>("SELECT material FROM identity WHERE id = 1").toArray()[0];
    if (row) {
      const stored = JSON.parse(row.material) as { kind: "ed25519"; seed: string };
      return { kind: "ed25519", seed: fromB64url(stored.seed) };
    }
    const fresh = generateKeyMaterial() as { kind: "ed25519"; seed: Uint8Array };
    sql.exec("INSERT INTO identity (id, material) VALUES (1, ?)", JSON.stringify({ kind: "ed25519", seed: b64url(fresh.seed) }));
    return fresh;
  }

  register(processId: string, spawned: number): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO processes (process_id, spawned) VALUES (?, ?)", processId, spawned);
  }

  /** Process ids in id order after `after`, at most `limit`, and whether more exist. */
  processes(after: string, limit: number): { processes: string[]; continues: boolean } {
    const rows = this.ctx.storage.sql
      .exec<{ process_id: string }>("SELECT process_id FROM processes WHERE process_id > ? ORDER BY process_id LIMIT ?", after, limit + 1)
      .toArray();
    return { processes: rows.slice(0, limit).map((r) => r.process_id), continues: rows.length > limit };
  }
}
