/** The browser peer (web/src/peer.ts): the Scheduler over IndexedDB, with the page's own keys. */
import { expect, test } from "vitest";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { ed25519Signer } from "../../src/crypto/signers.ts";
import { auditSchedule } from "../../src/remote/audit.ts";
import { IdbStore } from "../../web/src/idb-store.ts";
import { replayMirror, sendMessage, spawnScratch, type PeerKeys } from "../../web/src/peer.ts";
import { seed } from "../support/keys.ts";
import { signedSchedule } from "../support/signed-schedule.ts";
import { withDb } from "./fresh-db.ts";

const keys = async (): Promise<PeerKeys> => ({ scheduler: await ed25519Signer(seed(0x21)), client: await ed25519Signer(seed(0x22)) });
const all = (store: IdbStore) => store.range({ from: 0, to: 1e9, limit: 1e9, maxBytes: 1e12 });

test("a scratch process and two messages scheduled in the page: slots 0-2, signed by the page's scheduler key, and the schedule audits verified", () =>
  withDb(async (db) => {
    const k = await keys();
    const { processId } = await spawnScratch(db, k, "scratch");
    await sendMessage(db, k, processId, "Eval", "1 + 1");
    const { scheduled } = await sendMessage(db, k, processId, "Ping", "");
    expect(scheduled.slot).toBe(2);
    expect(addressOf(scheduled.assignment.owner)).toBe(k.scheduler.address);
    const store = new IdbStore(db, processId);
    expect(await auditSchedule(store, { processId, scheduler: k.scheduler.address })).toEqual({ checked: 3, verified: 3, chainChecked: 0, unverified: 0 });
    expect(await db.get("mirrors", processId)).toMatchObject({ url: "browser", state: "done", kept: 2 });
  }));

test("a mirrored schedule replayed into the peer: the same message ids in the same order, each assignment re-signed by the page's key, all verified", () =>
  withDb(async (db) => {
    const src = await signedSchedule(11);
    const mirrored = new IdbStore(db, src.pid);
    for (const s of await src.store.range({ from: 0, to: 1e9, limit: 1e9, maxBytes: 1e12 })) await mirrored.append({ ...s, status: "verified" });
    const k = await keys();
    const r = await replayMirror(db, k, src.pid);
    expect(r).toMatchObject({ slots: 12, skipped: 0, audit: { checked: 12, verified: 12, chainChecked: 0 } });
    const replayed = await all(new IdbStore(db, `replay:${src.pid}`));
    expect(replayed.map((s) => s.messageId)).toEqual((await all(mirrored)).map((s) => s.messageId));
    expect(new Set(replayed.map((s) => addressOf(parseItem(s.assignment, NO_LIMITS).owner)))).toEqual(new Set([k.scheduler.address]));
    // A second replay starts again from nothing.
    expect((await replayMirror(db, k, src.pid)).slots).toBe(12);
  }));
