/**
 * HyperBEAM processes read through their aos-2 rendering (src/remote/verify-aos2.ts), against the
 * hand-built fixture of test/vectors/hyperbeam-aos2 served as a HyperBEAM node would: every slot
 * kept "unverified", every check the rendering allows made (each one failing when its field is
 * altered), HyperBEAM's hash chain as its reference vectors give it, the dialect detected, and
 * files: a bundle refused saying why, JSON exported as the aos-2 page with what was checked and
 * imported back as unverified.
 */
import { describe, expect, test } from "vitest";
import type { Aos2Edge } from "../../../src/formats/aos2.ts";
import { auditSchedule } from "../../../src/remote/audit.ts";
import { SchedulerClient } from "../../../src/remote/client.ts";
import { detectVariant } from "../../../src/remote/detect.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { Mirror } from "../../../src/remote/mirror.ts";
import { exportBundle, exportJson, importInto, readScheduleFile } from "../../../src/remote/schedule-file.ts";
import { SLOT_CHECKS } from "../../../src/remote/verify.ts";
import { utf8 } from "../../../src/crypto/bytes.ts";
import { hyperbeamChainAfterRestart, hyperbeamChainNext } from "../../../src/schedule/hash-chain.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import chainVectors from "vectors:hyperbeam-aos2/hash-chain.json";
import { hyperbeamSource } from "../../support/hyperbeam-source.ts";
import { bytesOf } from "../../support/vectors.ts";

const URL_H = "http://hyperbeam.test";

async function mirrored(alter?: (e: Aos2Edge) => Aos2Edge) {
  const source = hyperbeamSource({ pageSize: 5 });
  source.tamper = alter;
  const store = new MemoryStore();
  const mirror = new Mirror({ client: new SchedulerClient(URL_H, "aos-2", { fetch: source.fetch }), store, processId: source.pid });
  const result = await mirror.syncTo().then(
    (p) => ({ p, err: undefined }),
    (err: unknown) => ({ p: undefined, err: err as RemoteError }),
  );
  return { source, store, ...result };
}

/** The edge at `slot` with `change` applied to a copy of it. */
const at = (slot: number, change: (e: Aos2Edge) => void) => (e: Aos2Edge) => {
  if (e.cursor === slot) change(e);
  return e;
};
const setTag = (tags: { name: string; value: string }[], name: string, value: string) => (tags.find((t) => t.name === name)!.value = value);

describe("HyperBEAM's hash chain", () => {
  test("matches the reference's three vectors: slot 0, slot 1, and slot 1 after a restart", () => {
    const { vectors } = JSON.parse(new TextDecoder().decode(bytesOf(chainVectors))) as { vectors: { previous: string | null; message: string; restarted: boolean; chain: string }[] };
    expect(vectors).toHaveLength(3);
    for (const [i, v] of vectors.entries()) {
      const chain = v.restarted ? hyperbeamChainAfterRestart(v.previous!, v.message) : hyperbeamChainNext(v.previous ?? undefined, v.message);
      expect(chain, `vectors/${i}`).toBe(v.chain);
    }
  });
});

describe("a HyperBEAM process mirrored through aos-2", () => {
  test("is detected as aos-2 from its node's info (HyperBEAM's exports, no address)", async () => {
    expect(await detectVariant(URL_H, { fetch: hyperbeamSource({ pageSize: 5 }).fetch })).toBe("aos-2");
  });

  test("keeps all 12 slots in pages of 5, every one unverified, holding the structs as served, with their ids and timestamps", async () => {
    const { source, store, p, err } = await mirrored();
    expect(err).toBeUndefined();
    expect(p).toMatchObject({ kept: 11, appended: 12, continues: false });
    expect(source.requests.filter((r) => r.includes("/schedule"))).toHaveLength(3);
    const kept = await store.range({ from: 0, to: 11, limit: 100, maxBytes: 1e9 });
    expect(kept).toHaveLength(12);
    expect(kept.map((s) => s.status)).toEqual(new Array(12).fill("unverified"));
    expect(kept.map((s) => s.assignmentId)).toEqual(source.edges.map((e) => e.node.assignment.Id));
    expect(kept.map((s) => s.messageId)).toEqual(source.edges.map((e) => e.node.message!.Id));
    expect(kept[0].messageId).toBe(source.pid);
    expect(JSON.parse(new TextDecoder().decode(kept[3].assignment))).toEqual(source.edges[3].node.assignment);
    expect(kept[5].timestamp).toBe(Number(source.edges[5].node.assignment.Tags.find((t) => t.name === "Timestamp")!.value));
  });

  test("verified again from the store, all 12 pass every check that can be made, counted as unverified", async () => {
    const { store, source } = await mirrored();
    expect(await auditSchedule(store, { processId: source.pid, scheduler: undefined })).toEqual({ checked: 12, verified: 0, chainChecked: 0, unverified: 12 });
  });

  const broken: [string, number, (e: Aos2Edge) => void, string][] = [
    ["a message id that is not its signature's hash", 3, (e) => (e.node.message!.Id = "X".repeat(42) + "A"), "message id"],
    ["another process", 4, (e) => setTag(e.node.assignment.Tags, "Process", "P".repeat(42) + "A"), "Process tag"],
    ["a Slot tag that skips", 2, (e) => setTag(e.node.assignment.Tags, "Slot", "3"), "Slot tag"],
    ["a Hash-Chain that does not follow", 7, (e) => setTag(e.node.assignment.Tags, "Hash-Chain", "H".repeat(42) + "A"), "Hash-Chain"],
    ["an httpsig message (id not checkable alone) swapped for another: the chain over message ids catches it", 9, (e) => (e.node.message!.Id = "M".repeat(42) + "A"), "Hash-Chain"],
    ["another claimed scheduler", 8, (e) => (e.node.assignment.Owner = "O".repeat(42) + "A"), "claimed scheduler (Owner)"],
    ["a Timestamp that is not an integer", 6, (e) => setTag(e.node.assignment.Tags, "Timestamp", "soon"), "Timestamp"],
    ["a slot without its message", 1, (e) => (e.node.message = null), "message"],
  ];
  test.each(broken)("%s (slot %i) stops the mirror at that slot, naming the check; nothing of its page is kept", async (_what, slot, change, check) => {
    const { store, err } = await mirrored(at(slot, change));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err!.details).toMatchObject({ slot, check });
    // Pages of 5 after the first start at the last kept slot, so they bring slots 0-4, 5-8 and 9-11: the pages before the one holding `slot` are kept.
    const firstOfItsPage = slot <= 4 ? 0 : slot <= 8 ? 5 : 9;
    expect(((await store.last())?.slot ?? -1) + 1).toBe(firstOfItsPage);
  });

  test("its bundle export is refused saying why; its JSON export is the aos-2 page with what was and was not checked, and imports back as 12 unverified slots", async () => {
    const { store, source } = await mirrored();
    const slots = await store.range({ from: 0, to: 11, limit: 100, maxBytes: 1e9 });
    expect(() => exportBundle(source.pid, slots)).toThrow(/12 of 12 are unverified \(the first is slot 0\), read from a HyperBEAM node's aos-2 rendering: its assignments are signed with httpsig commitments this project cannot check.*export JSON/);
    const json = JSON.parse(exportJson(source.pid, slots));
    expect(json.page_info).toEqual({ process: source.pid, has_next_page: false });
    expect(json.edges).toEqual(source.edges);
    expect(json.unverified.checked).toEqual(SLOT_CHECKS.unverified.checked);
    expect(json.unverified["not-checked"]).toEqual(SLOT_CHECKS.unverified.notChecked);
    expect(json.unverified["not-checked"]).toContain("assignment signature (httpsig, which this project cannot check)");

    const file = readScheduleFile(utf8(JSON.stringify(json)));
    expect(file.dialect).toBe("aos-2");
    const again = new MemoryStore();
    expect(await importInto(again, file, { processId: source.pid, scheduler: undefined })).toBe(12);
    expect((await again.range({ from: 0, to: 11, limit: 100, maxBytes: 1e9 })).map((s) => s.status)).toEqual(new Array(12).fill("unverified"));
  });
});
