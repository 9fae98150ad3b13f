/** Exported schedules (src/remote/schedule-file.ts): both formats read back exactly, and an import is checked like a mirror. */
import { describe, expect, test } from "vitest";
import { FormatError } from "../../../src/formats/errors.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { exportBundle, exportJson, importInto, readScheduleFile } from "../../../src/remote/schedule-file.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { withTag } from "../../support/altered.ts";
import { signedSchedule } from "../../support/signed-schedule.ts";

const all = (store: MemoryStore) => store.range({ from: 0, to: 1e9, limit: 1e9, maxBytes: 1e12 });
const utf8 = (s: string) => new TextEncoder().encode(s);

describe.each([
  ["ANS-104 bundle", (pid: string, slots: StoredSlot[]) => exportBundle(pid, slots)],
  ["JSON", (pid: string, slots: StoredSlot[]) => utf8(exportJson(pid, slots))],
] as const)("a schedule exported as %s", (_name, write) => {
  test("reads back to the same process and slots, and imports into an empty store with the same assignment bytes, every slot verified", async () => {
    const src = await signedSchedule(12);
    const slots = await all(src.store);
    const file = readScheduleFile(write(src.pid, slots));
    expect(file.processId).toBe(src.pid);
    expect(file.slots.map((s) => s.slot)).toEqual(slots.map((s) => s.slot));
    const into = new MemoryStore();
    expect(await importInto(into, file, { processId: src.pid, scheduler: undefined })).toBe(13);
    const back = await all(into);
    expect(back.map((s) => [s.assignmentId, s.messageId, s.status])).toEqual(slots.map((s) => [s.assignmentId, s.messageId, "verified"]));
    expect(back.every((s, i) => s.assignment.length === slots[i].assignment.length && s.assignment.every((b, j) => b === slots[i].assignment[j]))).toBe(true);
  });

  test("imported after a store that keeps its first 5 slots, only slots 5-12 are appended", async () => {
    const src = await signedSchedule(12);
    const slots = await all(src.store);
    const into = new MemoryStore();
    for (const s of slots.slice(0, 5)) await into.append(s);
    expect(await importInto(into, readScheduleFile(write(src.pid, slots)), { processId: src.pid, scheduler: undefined })).toBe(8);
    expect((await into.last())?.slot).toBe(12);
  });

  test("with slot 6 altered, the import is refused at slot 6 and only slots 0-5 are kept", async () => {
    const src = await signedSchedule(10);
    const slots = (await all(src.store)).map((s) => (s.slot === 6 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    const into = new MemoryStore();
    const err = await importInto(into, readScheduleFile(write(src.pid, slots)), { processId: src.pid, scheduler: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).details).toMatchObject({ slot: 6, check: "assignment signature" });
    expect(await into.last()).toBeUndefined(); // one batch: nothing of a refused file is kept
  });
});

describe("a schedule with a slot kept as chain-checked (bytes a lossy source rebuilt)", () => {
  /** Slots 0-4, slot 3's signature made not to hold and kept as chain-checked, as a lossy rendering leaves it. */
  async function lossy(): Promise<{ pid: string; slots: StoredSlot[] }> {
    const src = await signedSchedule(4);
    const slots = (await all(src.store)).map((s): StoredSlot => (s.slot === 3 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)), status: "chain-checked" } : s));
    return { pid: src.pid, slots };
  }

  test("exported as JSON, it is listed under chain-checked and imports as chain-checked, every other slot verified", async () => {
    const { pid, slots } = await lossy();
    const text = exportJson(pid, slots);
    expect(JSON.parse(text)["chain-checked"]).toEqual([3]);
    const into = new MemoryStore();
    expect(await importInto(into, readScheduleFile(utf8(text)), { processId: pid, scheduler: undefined })).toBe(5);
    expect((await all(into)).map((s) => s.status)).toEqual(["verified", "verified", "verified", "chain-checked", "verified"]);
  });

  test("without that list the same JSON is refused at slot 3 (its signature is checked and fails)", async () => {
    const { pid, slots } = await lossy();
    const json = JSON.parse(exportJson(pid, slots));
    delete json["chain-checked"];
    const err = await importInto(new MemoryStore(), readScheduleFile(utf8(JSON.stringify(json))), { processId: pid, scheduler: undefined }).catch((e: unknown) => e);
    expect((err as RemoteError).details).toMatchObject({ slot: 3, check: "assignment signature" });
  });

  test("exported as a bundle, which cannot mark it, it is refused naming slot 3 and pointing to JSON", async () => {
    const { pid, slots } = await lossy();
    expect(() => exportBundle(pid, slots)).toThrow(/slots: 1 of 5 are chain-checked only \(the first is slot 3\).*export JSON/);
  });

  test("a chain-checked list that is not slot numbers is refused", async () => {
    const src = await signedSchedule(1);
    const json = { ...JSON.parse(exportJson(src.pid, await all(src.store))), "chain-checked": ["3"] };
    expect(() => readScheduleFile(utf8(JSON.stringify(json)))).toThrow(/chain-checked: must list slot numbers/);
  });
});

describe("readScheduleFile and importInto refusals", () => {
  test("an empty file, JSON without a process, and bytes that are neither format are refused naming the problem", () => {
    expect(() => readScheduleFile(new Uint8Array(0))).toThrow(new FormatError("file", "is empty"));
    expect(() => readScheduleFile(utf8('{"assignments":{}}'))).toThrow(/process: missing/);
    expect(() => readScheduleFile(utf8("{not json"))).toThrow(/file: is not JSON/);
    expect(() => readScheduleFile(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/is neither a schedule JSON file nor an ANS-104 bundle/);
  });

  test("a file whose slot 2 differs in bytes from the one a store keeps (same id, altered tags) is a fork at slot 2, and nothing is appended", async () => {
    const a = await signedSchedule(4);
    const slots = await all(a.store);
    const kept = new MemoryStore();
    for (const s of slots.slice(0, 3)) await kept.append(s);
    const forked = slots.map((s) => (s.slot === 2 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    const err = await importInto(kept, readScheduleFile(exportBundle(a.pid, forked)), { processId: a.pid, scheduler: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe("fork");
    expect((err as RemoteError).details).toMatchObject({ slot: 2, cached: slots[2].assignmentId });
    expect((err as RemoteError).message).toBe(`slot 2: the file has other bytes under the same id ${slots[2].assignmentId}, where this store keeps assignment ${slots[2].assignmentId}`);
    expect((await kept.last())?.slot).toBe(2);
  });
});
