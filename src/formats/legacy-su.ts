/**
 * The legacy Scheduler Unit's JSON (`ao.TN.1`, legacy-su.md §1.6-1.8): GraphQL-like nodes with
 * lowercase fields, exactly as the SU renders them, so its clients (aoconnect, the MU, the CU)
 * read ours unchanged. Because our assignment anchors are ASCII, our assignments re-verify from
 * these nodes alone. Also the way back: another SU's nodes rebuilt into item bytes.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { serializeItem } from "../ans104/serialize.ts";
import { encodeTags, tagValue } from "../ans104/tags.ts";
import { b64url, fromB64url } from "../crypto/base64url.ts";
import { utf8, utf8Lossy, utf8Strict } from "../crypto/bytes.ts";
import { addressOf, idOfSignature } from "../crypto/ids.ts";
import { verifiableTypeByLengths } from "../crypto/signature-types.ts";
import { ScheduleError } from "../schedule/errors.ts";
import { FormatError } from "./errors.ts";
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

// ## Reading legacy JSON back (another scheduler's pages, single reads and /latest)

/** An item as a legacy node renders it (§1.8): the fields a rebuild needs. */
export interface LegacyItemNode {
  id: string;
  owner: { key: string };
  tags: { name: string; value: string }[];
  signature: string;
  anchor?: string | null;
  target?: string | null;
  data?: string | null;
}

export interface LegacyEdge {
  node: { message: LegacyItemNode | null; assignment: LegacyItemNode };
  cursor?: string;
}

const text = (v: unknown, field: string): string => {
  if (typeof v !== "string") throw new FormatError(field, `expected a string, got ${v === null ? "null" : typeof v}`);
  return v;
};

function bytesOf(v: unknown, field: string): Uint8Array {
  try {
    return fromB64url(text(v, field));
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError(field, "is not base64url");
  }
}

/**
 * Rebuilds an item's exact bytes from its legacy node where the node carries them all, and
 * says when it may not: an anchor shown as null (the SU renders binary anchors so; `show-anchor`
 * gives them as base64url) or data that is not its own text (shown lossy, or null).
 */
export function itemFromLegacyNode(node: LegacyItemNode, field = "node"): { raw: Uint8Array; lossless: boolean } {
  if (node === null || typeof node !== "object") throw new FormatError(field, "expected an item node");
  const owner = bytesOf(node.owner?.key, `${field}.owner.key`);
  const signature = bytesOf(node.signature, `${field}.signature`);
  const type = verifiableTypeByLengths(owner.length, signature.length)?.type;
  if (type === undefined) throw new FormatError(field, `no accepted signature type has a ${owner.length}-byte key and a ${signature.length}-byte signature`);
  if (!Array.isArray(node.tags)) throw new FormatError(`${field}.tags`, "expected a list of {name, value}");
  const tags = node.tags.map((t, i) => ({ name: text(t?.name, `${field}.tags[${i}].name`), value: text(t?.value, `${field}.tags[${i}].value`) }));
  let lossless = true;
  let anchor: Uint8Array | undefined;
  if (typeof node.anchor === "string" && node.anchor !== "") {
    const raw = utf8(node.anchor);
    // 32 bytes of text, or (show-anchor) base64url of 32 binary bytes.
    anchor = raw.length === 32 ? raw : node.anchor.length === 43 ? bytesOf(node.anchor, `${field}.anchor`) : undefined;
    if (anchor === undefined) throw new FormatError(`${field}.anchor`, `must be 32 bytes of text or 43 base64url characters, got ${raw.length} bytes`);
  } else {
    lossless = false; // no anchor, or one the rendering could not show
  }
  const target = typeof node.target === "string" && node.target !== "" ? bytesOf(node.target, `${field}.target`) : undefined;
  // Absent data is empty (assignment nodes have none); null data was not text; U+FFFD marks lossy text.
  if (node.data === null || (typeof node.data === "string" && node.data.includes("\uFFFD"))) lossless = false;
  const data = typeof node.data === "string" ? utf8(node.data) : new Uint8Array(0);
  const raw = serializeItem({ signatureType: type, signature, owner, target, anchor, tagCount: tags.length, tagBytes: encodeTags(tags), data });
  const id = idOfSignature(signature);
  if (node.id !== id) throw new FormatError(`${field}.id`, `is ${JSON.stringify(node.id)}, but the signature's id is ${id}`);
  return { raw, lossless };
}
