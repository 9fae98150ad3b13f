/**
 * The global id index: which process holds a message or assignment id, for `GET /{id}` without
 * `process-id` and for `assign` of items this node already holds. Sharded 16 ways by the id's
 * first character, written in batches by each process's alarm, never on the write path.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { hasSchema, INDEX_MIGRATIONS, migrate } from "./migrations.ts";

export type IndexEntry = [id: string, processId: string];

export class IndexObject extends DurableObject<Env> {
  // Created by the first put, so lookups of unknown ids leave no storage behind.
  #ready: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#ready = hasSchema(ctx.storage);
    if (this.#ready) migrate(ctx.storage, INDEX_MIGRATIONS);
  }

  put(entries: IndexEntry[]): void {
    if (!this.#ready) {
      migrate(this.ctx.storage, INDEX_MIGRATIONS);
      this.#ready = true;
    }
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const [id, pid] of entries) sql.exec("INSERT OR IGNORE INTO ids (id, process_id) VALUES (?, ?)", id, pid);
    });
  }

  get(id: string): string | undefined {
    if (!this.#ready) return undefined;
    return this.ctx.storage.sql.exec<{ process_id: string }>("SELECT process_id FROM ids WHERE id = ?", id).toArray()[0]?.process_id;
  }
}

/** Ids are base64url of SHA-256, so their first character spreads them evenly over the shards. */
export const SHARDS = 16;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const shardKey = (id: string) => ALPHABET.indexOf(id[0]) % SHARDS;
/** The name of the shard that holds `id`. */
export const shardName = (id: string): string => `ids-${shardKey(id)}`;
const shardOf = (env: Env, id: string) => env.INDEX.getByName(shardName(id));

/** The process holding `id`, if the index has it yet. */
export const indexedProcess = (env: Env, id: string): Promise<string | undefined> => shardOf(env, id).get(id);

/** Writes entries to their shards, in parallel. */
export async function publish(env: Env, entries: IndexEntry[]): Promise<void> {
  const byShard = new Map<number, IndexEntry[]>();
  for (const e of entries) {
    const key = shardKey(e[0]);
    const batch = byShard.get(key);
    if (batch) batch.push(e);
    else byShard.set(key, [e]);
  }
  await Promise.all([...byShard.values()].map((batch) => shardOf(env, batch[0][0]).put(batch)));
}
