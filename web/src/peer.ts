/**
 * The browser peer: the project's `Scheduler` over this browser's IndexedDB, with keys the page
 * makes and keeps. It schedules to scratch processes with no network, giving the same signed
 * assignments, chain and formats as the edge node.
 */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { signItem } from "../../src/ans104/sign.ts";
import type { Tag } from "../../src/ans104/tags.ts";
import { b64url, fromB64url } from "../../src/crypto/base64url.ts";
import { randomBytes, utf8 } from "../../src/crypto/bytes.ts";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { Scheduler, type Scheduled } from "../../src/schedule/scheduler.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { auditSchedule, type AuditResult } from "../../src/remote/audit.ts";
import type { DashboardDb, MirrorRecord } from "./db.ts";
import { deleteSchedule, IdbStore } from "./idb-store.ts";

/** Where a peer schedule's record says it comes from: this browser, not a URL. */
export const PEER_URL = "browser";
const KEYS = "ao-dashboard-peer-keys";

export interface PeerKeys {
  scheduler: Signer;
  client: Signer;
}

/** The page's two Ed25519 keys (the scheduler's and the client's), made on first use and kept in localStorage. */
export async function peerKeys(): Promise<PeerKeys> {
  let seeds = JSON.parse(localStorage.getItem(KEYS) ?? "null") as { scheduler: string; client: string } | null;
  if (!seeds) {
    seeds = { scheduler: b64url(randomBytes(32)), client: b64url(randomBytes(32)) };
    localStorage.setItem(KEYS, JSON.stringify(seeds));
  }
  return { scheduler: await ed25519Signer(fromB64url(seeds.scheduler)), client: await ed25519Signer(fromB64url(seeds.client)) };
}

const anchor = () => utf8(b64url(randomBytes(24)));

/** Spawns a scratch process on the peer: slot 0, signed by the page's scheduler key. */
export async function spawnScratch(db: DashboardDb, keys: PeerKeys, name: string): Promise<{ processId: string; scheduled: Scheduled }> {
  const tags: Tag[] = [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.TN.1" },
    { name: "Type", value: "Process" },
    { name: "Module", value: "Isk_GYo30Tyf5nLbVI6zEJIfFpiXQJd58IKcIkTu4no" },
    { name: "Scheduler", value: keys.scheduler.address },
    { name: "Name", value: name },
  ];
  const item = await signItem(keys.client, { anchor: anchor(), tags, data: utf8("-- a scratch process of the browser peer") });
  const scheduled = await (await open(db, keys, item.id)).schedule(item);
  await keepRecord(db, item.id, keys.scheduler.address, scheduled.slot);
  return { processId: item.id, scheduled };
}

/** Signs a message from the page's client key and schedules it on the peer. */
export async function sendMessage(db: DashboardDb, keys: PeerKeys, processId: string, action: string, data: string): Promise<{ message: DataItem; scheduled: Scheduled }> {
  const tags: Tag[] = [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.TN.1" },
    { name: "Type", value: "Message" },
    { name: "Action", value: action },
  ];
  const message = await signItem(keys.client, { target: fromB64url(processId), anchor: anchor(), tags, data: utf8(data) });
  const scheduled = await (await open(db, keys, processId)).schedule(message);
  await keepRecord(db, processId, keys.scheduler.address, scheduled.slot);
  return { message, scheduled };
}

const open = (db: DashboardDb, keys: PeerKeys, processId: string) => Scheduler.open({ processId, store: new IdbStore(db, processId), signer: keys.scheduler });

/** A peer schedule is listed with the mirrors, marked as this browser's own. */
async function keepRecord(db: DashboardDb, processId: string, scheduler: string, slot: number): Promise<void> {
  const now = Date.now();
  const held = await db.get("mirrors", processId);
  const record: MirrorRecord = held
    ? { ...held, kept: slot, total: slot, updatedAt: now }
    : { processId, url: PEER_URL, variant: "ao.N.1", scheduler, state: "done", kept: slot, total: slot, counts: { verified: 0, "chain-checked": 0, unverified: 0 }, startedAt: now, updatedAt: now };
  await db.put("mirrors", record);
}

/** Where a replay of a mirrored process is kept: its own key space, beside the mirror it came from. */
const replayKey = (processId: string) => `replay:${processId}`;

/**
 * Replays a mirrored schedule into a fresh local one under the page's scheduler key: the process
 * at slot 0, then every message in the same order (each assigned with its bytes, so a message
 * the source assigned twice takes two slots here too). Then checks the new schedule end to end.
 */
export async function replayMirror(db: DashboardDb, keys: PeerKeys, processId: string): Promise<{ slots: number; skipped: number; audit: AuditResult }> {
  const key = replayKey(processId);
  await deleteSchedule(db, key);
  const source = new IdbStore(db, processId);
  if ((await source.get(0))?.status === "unverified") throw new Error(`process ${processId} is unverified (read from a HyperBEAM node's aos-2 rendering): it holds no signed message items to schedule again`);
  const target = new IdbStore(db, key);
  const scheduler = await Scheduler.open({ processId, store: target, signer: keys.scheduler });
  let skipped = 0;
  for (let from = 0; ; ) {
    const slots = await source.range({ from, to: from + 499, limit: 500, maxBytes: Number.MAX_SAFE_INTEGER });
    if (slots.length === 0) break;
    const page: { messageId: string; message: Uint8Array }[] = [];
    for (const s of slots) {
      if (s.slot === 0) await scheduler.schedule(parseItem(s.message!, NO_LIMITS, s.messageId), { replay: true });
      else if (s.message) page.push({ messageId: s.messageId, message: s.message });
      else skipped++; // an assigned id whose bytes the source never had: nothing to replay
    }
    await scheduler.assignAll(page); // one write a page
    from = slots.at(-1)!.slot + 1;
  }
  const audit = await auditSchedule(target, { processId, scheduler: keys.scheduler.address });
  return { slots: scheduler.current + 1, skipped, audit };
}
