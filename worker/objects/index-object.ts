/**
 * The global id index: which process holds a message or assignment id, for `GET /{id}` without
 * `process-id` and for `assign` of items this node already holds. Sharded 16 ways by the holding
 * process's id, so a process's alarm publishes its new ids in one call (never on the write path),
 * and a lookup asks every shard at once (docs/id-index.md).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { hasSchema, INDEX_MIGRATIONS, migrate } from "./migrations.ts";

export class IndexObject extends DurableObject<Env> {
  // Created by the first put, so lookups of unknown ids leave no storage behind.
  #ready: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#ready = hasSchema(ctx.storage);
    if (this.#ready) migrate(ctx.storage, INDEX_MIGRATIONS);
  }

  /** Records that process `processId` holds `ids`; an id already recorded keeps its first process. */
  put(processId: string, ids: string[]): void {
    if (!this.#ready) {
      migrate(this.ctx.storage, INDEX_MIGRATIONS);
      this.#ready = true;
    }
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const id of ids) sql.exec("INSERT OR IGNORE INTO ids (id, process_id) VALUES (?, ?)", id, processId);
    });
  }

  get(id: string): string | undefined {
    if (!this.#ready) return undefined;
    return this.ctx.storage.sql.exec<{ process_id: string }>("SELECT process_id FROM ids WHERE id = ?", id).toArray()[0]?.process_id;
  }
}

/** Process ids are base64url of SHA-256, so their first character spreads processes evenly over the shards. */
export const SHARDS = 16;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const nameOf = (n: number) => `ids-${n}`;
/** The name of the shard that holds the ids of process `processId`. */
export const shardName = (processId: string): string => nameOf(ALPHABET.indexOf(processId[0]) % SHARDS);

/** How long a lookup waits for the shards: one that has not answered by then counts as failed, so no request waits on a stuck shard. */
export const LOOKUP_MS = 5_000;

/**
 * The process holding `id`, if the index has it yet: every shard is asked at once, and the first
 * in shard order that knows the id answers (an item held by several processes resolves to one;
 * of the shards that answered in time, so a late one can lose its turn).
 * A shard that fails or does not answer within `timeoutMs` matters only when no other knows the
 * id: then nobody can say it is unknown. The error names every such shard and how it failed;
 * what a shard threw goes to the node's log, not to the client.
 */
export async function indexedProcess(env: Env, id: string, timeoutMs = LOOKUP_MS): Promise<string | undefined> {
  let expire!: (reason: LookupTimeout) => void;
  const late = new Promise<never>((_, reject) => (expire = reject));
  const timer = setTimeout(() => expire(new LookupTimeout()), timeoutMs);
  let answers: PromiseSettledResult<string | undefined>[];
  try {
    answers = await Promise.allSettled(Array.from({ length: SHARDS }, (_, n) => Promise.race([env.INDEX.getByName(nameOf(n)).get(id), late])));
  } finally {
    clearTimeout(timer);
  }
  const failed: string[] = [];
  for (const [shard, a] of answers.entries()) {
    if (a.status === "fulfilled") {
      if (a.value !== undefined) return a.value;
      continue;
    }
    if (a.reason instanceof LookupTimeout) failed.push(`${nameOf(shard)} did not answer within ${timeoutMs} ms`);
    else {
      failed.push(`${nameOf(shard)} failed`);
      console.error(`global id index: shard ${nameOf(shard)} failed looking up ${id}:`, a.reason);
    }
  }
  if (failed.length === 0) return undefined;
  throw Object.assign(new Error(`the global id index could not be read: shard ${failed.join(", shard ")}`), { code: "unavailable" });
}

class LookupTimeout extends Error {}

/** Records that process `processId` holds `ids`: one call, to the process's shard. */
export const publish = (env: Env, processId: string, ids: string[]): Promise<void> => env.INDEX.getByName(shardName(processId)).put(processId, ids);
