/**
 * The node's own Durable Object (one, named "node"): the generated identity when no key is
 * configured, the processes this node schedules (for `status`), the scheduler-location records
 * it holds (its own and others'), the fork proofs its remote-schedule caches found, the outbox
 * that uploads its record and the processes it spawns, and the counters its process objects and
 * caches report (counters.ts). Its alarm delivers the outbox and renews its own record before half
 * its lifetime has passed.
 */
import { DurableObject } from "cloudflare:workers";
import { fromB64url, b64url } from "../../src/crypto/base64url.ts";
import { generateKeyMaterial, parseKeyMaterial, signerFor, type KeyMaterial } from "../../src/crypto/keys.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import type { Variant } from "../../src/remote/client.ts";
import { LOCATION_TTL_MS, readLocation, signLocation, type LocationRecord } from "../../src/remote/location.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import type { ForkProof } from "../../src/remote/fork-proof.ts";
import { CounterBook, type CacheCounts, type NodeCounts, type ProcessCounts } from "./counters.ts";
import { ForkBook, type HeldFork } from "./fork-book.ts";
import { LocationBook, type HeldLocation } from "./location-book.ts";
import { migrate, NODE_MIGRATIONS } from "./migrations.ts";
import { Outbox, uploadToBundler, type OutboxStatus } from "./outbox.ts";
import { unwrap, type Outcome } from "../contract.ts";
import { outcome } from "./outcome.ts";

export interface OwnLocationRequest {
  url: string;
  variant: Variant;
  ttl: number;
  /** The nonce asked for; default one above the nonce held. */
  nonce?: number | undefined;
}

export class NodeObject extends DurableObject<Env> {
  readonly #book: LocationBook;
  readonly #forks: ForkBook;
  readonly #outbox: Outbox;
  readonly #counters: CounterBook;
  #signer: Promise<Signer> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, NODE_MIGRATIONS);
    this.#book = new LocationBook(ctx.storage.sql);
    this.#forks = new ForkBook(ctx.storage.sql);
    this.#outbox = new Outbox(ctx.storage.sql);
    this.#counters = new CounterBook(ctx.storage.sql);
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

  /** Answers once this object's storage does (for /health). */
  ping(): number {
    return this.ctx.storage.sql.exec<{ one: number }>("SELECT 1 AS one").one().one;
  }

  /**
   * Records a process this node spawned. With a bundler (UPLOAD_URL), its item is uploaded too,
   * so other schedulers find the process, and from its `Scheduler` tag, this node.
   */
  async register(processId: string, spawned: number, item?: Uint8Array): Promise<void> {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO processes (process_id, spawned) VALUES (?, ?)", processId, spawned);
    if (item && this.env.UPLOAD_URL) {
      this.#outbox.add(processId, item, "process", Date.now());
      await this.#arm();
    }
  }

  /** Process ids in id order after `after`, at most `limit`, whether more exist, and the counts of those listed. */
  processes(after: string, limit: number): { processes: string[]; continues: boolean; counters: Record<string, ProcessCounts> } {
    const rows = this.ctx.storage.sql
      .exec<{ process_id: string }>("SELECT process_id FROM processes WHERE process_id > ? ORDER BY process_id LIMIT ?", after, limit + 1)
      .toArray();
    const processes = rows.slice(0, limit).map((r) => r.process_id);
    return { processes, continues: rows.length > limit, counters: this.#counters.processes(processes) };
  }

  // ## Counters (counters.ts)

  /** A process object's counts, written out by its alarm. */
  processCounts(processId: string, counts: ProcessCounts): void {
    this.#counters.putProcess(processId, counts);
  }

  /** A remote-schedule cache's counts since its last report. */
  cacheCounts(delta: CacheCounts): void {
    this.#counters.addCache(delta);
  }

  /** Node-wide counts, for `status` and `/metrics`. */
  totals(): NodeCounts {
    return this.#counters.totals();
  }

  // ## Fork proofs

  /** Keeps a proof a remote-schedule cache found and verified. */
  keepFork(proof: ForkProof): { id: string; held: boolean } {
    return this.#forks.keep(proof);
  }

  forks(): HeldFork[] {
    return this.#forks.list();
  }

  /** One proof's JSON document, if held. */
  fork(id: string): string | undefined {
    return this.#forks.get(id);
  }

  // ## Scheduler-location records

  /** The record held for `address`, expired or not. */
  location(address: string): { raw: Uint8Array; receivedAt: number; expiresAt: number } | undefined {
    const held = this.#book.get(address);
    return held && { raw: held.record.raw, receivedAt: held.receivedAt, expiresAt: held.expiresAt };
  }

  /** Keeps another scheduler's record the worker has verified: posted (nonce must rise) or found on the gateway. */
  keepLocation(raw: Uint8Array, posted: boolean): Promise<Outcome<{ expiresAt: number }>> {
    return outcome(() => {
      const held = this.#book.put(readLocation(parseItem(raw, NO_LIMITS)), Date.now(), posted);
      return { expiresAt: held.expiresAt };
    });
  }

  /** Signs, keeps and queues for upload a new record of this node's own. */
  publish(req: OwnLocationRequest): Promise<Outcome<{ raw: Uint8Array }>> {
    return outcome(async () => {
      const signer = await this.#ownSigner();
      const held = this.#book.get(signer.address);
      const nonce = req.nonce ?? (held ? held.record.nonce + 1 : 1);
      const record = await signLocation(signer, { url: req.url, variant: req.variant, ttl: req.ttl, nonce, timestamp: Date.now() });
      this.#book.put(record, Date.now(), true);
      this.#queue(record);
      await this.#arm();
      return { raw: record.raw };
    });
  }

  /** With PUBLIC_URL set: publishes this node's record if it has none for that URL, or renews it past half its lifetime. */
  async ensurePublished(): Promise<void> {
    const want = this.#wanted();
    if (!want) return;
    const signer = await this.#ownSigner();
    const held = this.#book.get(signer.address);
    const stale = !held || held.record.url !== want.url || held.record.variant !== want.variant || held.record.ttl !== want.ttl || Date.now() >= renewAt(held);
    if (stale) unwrap(await this.publish(want));
    else await this.#arm();
  }

  /** This node's record and its outbox, for `status`. */
  async ownStatus(): Promise<{ location: LocationRecord | null; outbox: OutboxStatus }> {
    const signer = await this.#ownSigner();
    return { location: this.#book.get(signer.address)?.record ?? null, outbox: this.#outbox.status(this.env.UPLOAD_URL) };
  }

  override async alarm(): Promise<void> {
    if (this.env.UPLOAD_URL) await this.#outbox.deliver(this.env.UPLOAD_URL, Date.now(), (url, item) => uploadToBundler(url, item));
    await this.ensurePublished();
    await this.#arm();
  }

  #queue(record: LocationRecord): void {
    this.#outbox.add(record.id, record.raw, "scheduler-location", Date.now());
  }

  /** The next alarm: the next upload due, or the renewal of this node's record. */
  async #arm(): Promise<void> {
    const times: number[] = [];
    if (this.env.UPLOAD_URL) {
      const due = this.#outbox.nextDue();
      if (due !== undefined) times.push(due);
    }
    if (this.#wanted()) {
      const held = this.#book.get((await this.#ownSigner()).address);
      if (held) times.push(renewAt(held));
    }
    if (times.length > 0) await this.ctx.storage.setAlarm(Math.max(Date.now(), Math.min(...times)));
  }

  #wanted(): OwnLocationRequest | undefined {
    if (!this.env.PUBLIC_URL) return undefined;
    const variant = (this.env.SCHEDULER_VARIANT || "ao.TN.1") as Variant;
    return { url: this.env.PUBLIC_URL, variant, ttl: Number(this.env.LOCATION_TTL_MS) || LOCATION_TTL_MS };
  }

  // The configured key, or this node's own; built here rather than through the worker's signer, which would call back into this object.
  #ownSigner(): Promise<Signer> {
    this.#signer ??= signerFor(this.env.SCHEDULER_KEY?.trim() ? parseKeyMaterial(this.env.SCHEDULER_KEY) : this.keyMaterial());
    return this.#signer;
  }
}

/** A record is renewed once half its lifetime has passed. */
const renewAt = (held: HeldLocation): number => held.expiresAt - held.record.ttl / 2;
