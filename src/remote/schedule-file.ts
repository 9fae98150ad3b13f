/**
 * A whole kept schedule as a file, and back: the page formats themselves, so any tool that reads
 * a schedule page reads the file. Export writes the ANS-104 bundle page (assignment, then its
 * message, slot by slot) or the lossless JSON page; import reads either, then checks every slot
 * like a mirror does before keeping any (a file is one more source of someone else's schedule).
 *
 * Slots kept as "chain-checked" hold bytes rebuilt from a lossy rendering, on which their
 * signatures do not hold. The JSON file lists them under "chain-checked", so an import checks
 * them as such; a bundle has no place to say so, and refuses them.
 *
 * Slots kept "unverified" (a HyperBEAM node's aos-2 structs) have no ANS-104 bytes at all: they
 * export as the aos-2 page they came in, with an "unverified" section saying why and what was
 * and was not checked, and import from it (or from any aos-2 page) as unverified again. A bundle
 * of them is refused, saying why.
 */
import { readBundle } from "../ans104/bundle.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { equal, utf8Strict } from "../crypto/bytes.ts";
import { pageToBundle } from "../formats/ans104-bundle.ts";
import { FormatError } from "../formats/errors.ts";
import { aos2Of } from "../formats/aos2.ts";
import { pageToJson } from "../formats/hyperbeam-json.ts";
import type { SchedulePage } from "../formats/page.ts";
import type { Store, StoredSlot } from "../schedule/store.ts";
import { slotsOfAos2, slotsOfBundle, slotsOfJson, type Dialect } from "./client.ts";
import { RemoteError } from "./errors.ts";
import { UNVERIFIED_CHECKS } from "./verify-aos2.ts";
import { assignmentIdOf, chainStateOf, signerOfStored, verifySlots, type RemoteSlot, type VerifyContext } from "./verify.ts";

export interface ScheduleFile {
  processId: string;
  /** How the file's slots are read: ANS-104 items (ao.N.1's formats), or a HyperBEAM node's aos-2 structs. */
  dialect: Dialect;
  slots: RemoteSlot[];
}

/** Why unverified slots are what they are; the export says it next to what was and was not checked. */
export const UNVERIFIED_WHY = "read from a HyperBEAM node's aos-2 rendering: its assignments are signed with httpsig commitments this project cannot check, and it names signers by address, not by key";

const page = (processId: string, slots: readonly StoredSlot[]): SchedulePage => ({ processId, slots, continues: false, timestamp: Date.now(), height: 0 });

const chainChecked = (slots: readonly StoredSlot[]): number[] => slots.filter((s) => s.status === "chain-checked").map((s) => s.slot);

export function exportBundle(processId: string, slots: readonly StoredSlot[]): Uint8Array {
  const unverified = slots.filter((s) => s.status === "unverified");
  if (unverified.length > 0) {
    throw new FormatError("slots", `${unverified.length} of ${slots.length} are unverified (the first is slot ${unverified[0].slot}), ${UNVERIFIED_WHY}; they hold no ANS-104 items to put in a bundle: export JSON, which keeps them as served and says what was checked`);
  }
  const lossy = chainChecked(slots);
  if (lossy.length > 0) {
    throw new FormatError("slots", `${lossy.length} of ${slots.length} are chain-checked only (the first is slot ${lossy[0]}): their bytes were rebuilt from a lossy source, and a bundle cannot say so; export JSON, which marks them`);
  }
  return pageToBundle(page(processId, slots));
}

export function exportJson(processId: string, slots: readonly StoredSlot[]): string {
  const unverified = slots.filter((s) => s.status === "unverified").length;
  if (unverified > 0) {
    if (unverified < slots.length) throw new FormatError("slots", `${unverified} of ${slots.length} are unverified: a schedule mixing unverified slots with checked ones cannot be one file`);
    return JSON.stringify(aos2File(processId, slots));
  }
  const json = pageToJson(page(processId, slots));
  const lossy = chainChecked(slots);
  return JSON.stringify(lossy.length > 0 ? { ...json, "chain-checked": lossy } : json);
}

/** Unverified slots as the aos-2 page they came in, saying what was and was not checked. */
function aos2File(processId: string, slots: readonly StoredSlot[]) {
  return {
    page_info: { process: processId, has_next_page: false },
    edges: slots.map((s) => ({ cursor: s.slot, node: { message: s.message ? aos2Of(s.message, "message") : null, assignment: aos2Of(s.assignment, "assignment") } })),
    unverified: { why: UNVERIFIED_WHY, checked: UNVERIFIED_CHECKS.checked, "not-checked": UNVERIFIED_CHECKS.notChecked },
  };
}

/** Reads an exported schedule, bundle or JSON (told apart by the first byte: JSON opens with `{`), or an aos-2 page. */
export function readScheduleFile(bytes: Uint8Array): ScheduleFile {
  if (bytes.length === 0) throw new FormatError("file", "is empty");
  if (bytes[0] === 0x7b) {
    let json: { process?: unknown; assignments?: unknown; "chain-checked"?: unknown; edges?: unknown; page_info?: { process?: unknown } };
    try {
      json = JSON.parse(utf8Strict(bytes) ?? "not UTF-8");
    } catch (err) {
      throw new FormatError("file", `is not JSON (${(err as Error).message})`);
    }
    if (Array.isArray(json.edges)) {
      const processId = json.page_info?.process;
      if (typeof processId !== "string") throw new FormatError("page_info.process", "missing: an aos-2 page names its process");
      return { processId, dialect: "aos-2", slots: slotsOfAos2(json).slots };
    }
    if (typeof json.process !== "string") throw new FormatError("process", "missing: a schedule JSON file names its process");
    const lossy = json["chain-checked"] ?? [];
    if (!Array.isArray(lossy) || !lossy.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new FormatError("chain-checked", "must list slot numbers");
    const rebuilt = new Set<number>(lossy);
    return { processId: json.process, dialect: "ao.N.1", slots: slotsOfJson(json as Parameters<typeof slotsOfJson>[0]).map((s) => (rebuilt.has(s.slot) ? { ...s, lossless: false } : s)) };
  }
  let items;
  try {
    items = readBundle(bytes, NO_LIMITS);
  } catch (err) {
    throw new FormatError("file", `is neither a schedule JSON file nor an ANS-104 bundle (${(err as Error).message})`);
  }
  const processId = items[0] && tagValue(items[0].tags, "Process");
  if (!processId) throw new FormatError("bundle item 0", "is not an assignment with a Process tag");
  return { processId, dialect: "ao.N.1", slots: slotsOfBundle(items, processId) };
}

/**
 * Appends the file's slots after what `store` keeps, each checked against the one before it, as
 * a mirror would; a slot the store already has must be the same assignment, byte for byte. Returns how many
 * were appended; nothing is appended past a failure (it throws, naming the slot and the check).
 */
export async function importInto(store: Store, file: ScheduleFile, ctx: VerifyContext): Promise<number> {
  const last = await store.last();
  const kept = last?.slot ?? -1;
  for (const s of file.slots) {
    if (s.slot > kept) break;
    const held = (await store.get(s.slot))!;
    if (equal(s.assignment, held.assignment)) continue;
    const theirs = assignmentIdOf(s);
    const what = theirs === held.assignmentId ? `other bytes under the same id ${theirs}` : `assignment ${theirs}`;
    throw new RemoteError("fork", `slot ${s.slot}: the file has ${what}, where this store keeps assignment ${held.assignmentId}`, { slot: s.slot, cached: held.assignmentId, remote: theirs });
  }
  // Held to slot 0's signer when no location record named the scheduler, as Mirror does.
  const first = ctx.scheduler === undefined && last ? await store.get(0) : undefined;
  const scheduler = first ? signerOfStored(first) : ctx.scheduler;
  const { slots } = await verifySlots(file.slots.filter((s) => s.slot > kept), { ...ctx, scheduler }, last ? chainStateOf(last) : undefined);
  await store.appendAll(slots);
  return slots.length;
}
