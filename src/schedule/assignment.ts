/** Builds and reads assignments: ANS-104 items signed by the scheduler (D2, docs/architecture.md). */
import type { DataItem } from "../ans104/data-item.ts";
import { signItem } from "../ans104/sign.ts";
import { DEFAULT_LIMITS } from "../ans104/limits.ts";
import { encodeTags, tagValue, type Tag } from "../ans104/tags.ts";
import { b64url } from "../crypto/base64url.ts";
import { randomBytes, utf8, utf8Length } from "../crypto/bytes.ts";
import { isId } from "../crypto/ids.ts";
import type { Signer } from "../crypto/signers.ts";
import { ScheduleError } from "./errors.ts";

export interface AssignmentFields {
  processId: string;
  slot: number;
  hashChain: string;
  height: number;
  timestamp: number;
  variant: string;
  /** Absent on the process's own slot 0. */
  messageId?: string | undefined;
  exclude?: readonly string[] | undefined;
}

export const padHeight = (height: number): string => String(height).padStart(12, "0");

/** Tags in the order of D2 (the legacy SU's order, so its clients and ours read the same bytes). */
export function assignmentTags(f: AssignmentFields): Tag[] {
  const tags: Tag[] = [
    { name: "Process", value: f.processId },
    { name: "Epoch", value: "0" },
    { name: "Nonce", value: String(f.slot) },
    { name: "Hash-Chain", value: f.hashChain },
    { name: "Block-Height", value: padHeight(f.height) },
    { name: "Timestamp", value: String(f.timestamp) },
    { name: "Data-Protocol", value: "ao" },
    { name: "Type", value: "Assignment" },
    { name: "Variant", value: f.variant },
  ];
  if (f.messageId !== undefined) tags.push({ name: "Message", value: f.messageId });
  for (const e of f.exclude ?? []) tags.push({ name: "Exclude", value: e });
  return tags;
}

/**
 * Anchors are 32 ASCII characters (base64url of 24 random bytes): unique per assignment, and they
 * survive every JSON rendering intact, so an assignment can be re-verified from JSON alone.
 */
export const newAnchor = (): Uint8Array => utf8(b64url(randomBytes(24)));

/**
 * Signs an assignment. It must itself be a valid item for every reader, so the D8 tag limits are
 * checked first (an `exclude` list or a long process `Variant` could break them): refused before
 * signing, the slot is not consumed.
 */
export function signAssignment(signer: Signer, f: AssignmentFields): Promise<DataItem> {
  const tags = assignmentTags(f);
  const tagBytes = encodeTags(tags);
  const refuse = (why: string) => {
    throw new ScheduleError("bad-request", `assignment: ${why}`);
  };
  // The limits a reader checks (D8), on what was just encoded.
  if (tags.length > DEFAULT_LIMITS.maxTags) refuse(`tag count: ${tags.length} tags exceeds the limit of ${DEFAULT_LIMITS.maxTags}`);
  if (tagBytes.length > DEFAULT_LIMITS.maxTagBytes) refuse(`tag bytes: ${tagBytes.length} bytes exceeds the limit of ${DEFAULT_LIMITS.maxTagBytes}`);
  for (const t of tags) {
    const name = utf8Length(t.name);
    const value = utf8Length(t.value);
    if (name > DEFAULT_LIMITS.maxTagNameBytes) refuse(`tag name: ${name} bytes exceeds the limit of ${DEFAULT_LIMITS.maxTagNameBytes}`);
    if (value > DEFAULT_LIMITS.maxTagValueBytes) refuse(`tag value: ${value} bytes exceeds the limit of ${DEFAULT_LIMITS.maxTagValueBytes}`);
  }
  return signItem(signer, { anchor: newAnchor(), tags, tagBytes });
}

/** The scheduling facts an assignment carries, read back from its tags. */
export interface AssignmentInfo {
  processId: string;
  slot: number;
  hashChain: string;
  height: number;
  timestamp: number;
  variant: string | undefined;
  messageId: string | undefined;
  exclude: string[];
}

/**
 * Reads an assignment's tags. An item without one it needs, or with one that is not an id or a
 * decimal integer where it must be, is an `invalid-item` ScheduleError naming the tag.
 */
export function readAssignment(item: DataItem): AssignmentInfo {
  const need = (name: string, valid: (v: string) => boolean, expected: string) => {
    const v = tagValue(item.tags, name);
    if (v === undefined) throw new ScheduleError("invalid-item", `assignment ${item.id} has no ${name} tag`);
    if (!valid(v)) throw new ScheduleError("invalid-item", `assignment ${item.id} has a malformed ${name} tag: expected ${expected}`);
    return v;
  };
  const id = (name: string) => need(name, isId, "a 43-character base64url id");
  const int = (name: string) => Number(need(name, (v) => /^\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v)), "a decimal integer"));
  return {
    processId: id("Process"),
    slot: int("Nonce"),
    hashChain: id("Hash-Chain"),
    height: int("Block-Height"),
    timestamp: int("Timestamp"),
    variant: tagValue(item.tags, "Variant"),
    messageId: tagValue(item.tags, "Message"),
    exclude: item.tags.filter((t) => t.name === "Exclude").map((t) => t.value),
  };
}
