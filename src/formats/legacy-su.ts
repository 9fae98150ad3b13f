/**
 * The legacy Scheduler Unit's JSON (`ao.TN.1`, legacy-su.md §1.6-1.8): GraphQL-like nodes with
 * lowercase fields, exactly as the SU renders them, so its clients (aoconnect, the MU, the CU)
 * read ours unchanged. Because our assignment anchors are ASCII, our assignments re-verify from
 * these nodes alone.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { b64url } from "../crypto/base64url.ts";
import { utf8Lossy, utf8Strict } from "../crypto/bytes.ts";
import { addressOf } from "../crypto/ids.ts";
import { ScheduleError } from "../schedule/errors.ts";
import type { StoredSlot } from "../schedule/store.ts";

export interface LegacyOptions {
  /** `show-anchor`: render a non-UTF-8 anchor as base64url instead of null (page reads only). */
  showAnchor?: boolean;
}

const owner = (item: DataItem) => ({ address: addressOf(item.owner), key: b64url(item.owner) });

// The SU reads the 32 anchor bytes as UTF-8; invalid or empty text is null.
function anchorOf(item: DataItem, opts: LegacyOptions): string | null {
  if (!item.anchor) return null;
  const text = utf8Strict(item.anchor);
  if (text) return text;
  return opts.showAnchor ? b64url(item.anchor) : null;
}

/** A scheduled item. The process on its own slot renders data as UTF-8 or null and target null. */
export function messageNode(item: DataItem, opts: LegacyOptions & { process?: boolean } = {}) {
  return {
    id: item.id,
    owner: owner(item),
    data: opts.process ? (utf8Strict(item.data) ?? null) : utf8Lossy(item.data),
    tags: item.tags.map((t) => ({ name: t.name, value: t.value })),
    signature: b64url(item.signature),
    anchor: anchorOf(item, opts),
    target: item.target ? b64url(item.target) : opts.process ? null : "",
  };
}

export function assignmentNode(item: DataItem, opts: LegacyOptions = {}) {
  return {
    id: item.id,
    owner: owner(item),
    tags: item.tags.map((t) => ({ name: t.name, value: t.value })),
    signature: b64url(item.signature),
    anchor: anchorOf(item, opts),
    target: "",
  };
}

/** `{message, assignment}` for one slot; message is null when only the item's id was assigned. */
export function slotNode(s: Pick<StoredSlot, "assignment" | "assignmentId" | "message" | "messageId">, opts: LegacyOptions = {}) {
  const assignment = parseItem(s.assignment, NO_LIMITS, s.assignmentId);
  const process = tagValue(assignment.tags, "Message") === undefined; // the process's own slot
  return {
    message: s.message ? messageNode(parseItem(s.message, NO_LIMITS, s.messageId), { ...opts, process }) : null,
    assignment: assignmentNode(assignment, opts),
  };
}

export type CursorMode = "timestamp" | "nonce";

/** One page (§1.7): cursor = Timestamp in timestamp mode, Nonce in nonce mode, always a string. */
export function legacyPage(slots: readonly StoredSlot[], hasNextPage: boolean, mode: CursorMode, opts: LegacyOptions = {}) {
  return {
    page_info: { has_next_page: hasNextPage },
    edges: slots.map((s) => ({ node: slotNode(s, opts), cursor: String(mode === "nonce" ? s.slot : s.timestamp) })),
  };
}

/** `GET /processes/{id}` (§1.6): the process item with its assignment's height and timestamp. */
export function processInfo(slot0: Pick<StoredSlot, "assignment" | "assignmentId" | "message" | "messageId">) {
  if (!slot0.message) throw new ScheduleError("not-found", "slot 0 holds no process item");
  const process = parseItem(slot0.message, NO_LIMITS, slot0.messageId);
  const assignment = parseItem(slot0.assignment, NO_LIMITS, slot0.assignmentId);
  return {
    process_id: process.id,
    block: tagValue(assignment.tags, "Block-Height") ?? "000000000000",
    owner: owner(process),
    tags: process.tags.map((t) => ({ name: t.name, value: t.value })),
    timestamp: Number(tagValue(assignment.tags, "Timestamp")),
    data: utf8Strict(process.data) ?? null,
    anchor: anchorOf(process, {}),
    signature: b64url(process.signature),
    target: process.target ? b64url(process.target) : null,
  };
}
