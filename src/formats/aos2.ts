/**
 * HyperBEAM's aos-2 JSON (`accept: application/aos-2`, hyperbeam-scheduler.md §6.1): edges with
 * capitalised message structs, cursor = slot. Lossy by design (owners appear as addresses).
 * Both directions: this node renders its pages so, and a HyperBEAM node's pages are read back
 * into structs (readAos2Struct), which keep what the rendering gave and nothing more.
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { b64url } from "../crypto/base64url.ts";
import { utf8, utf8Lossy, utf8Strict } from "../crypto/bytes.ts";
import { addressOf, isId } from "../crypto/ids.ts";
import { FormatError } from "./errors.ts";
import type { SchedulePage } from "./page.ts";

export function itemToAos2(item: DataItem): Record<string, unknown> {
  const owner = addressOf(item.owner);
  return {
    Id: item.id,
    Anchor: item.anchor ? (utf8Strict(item.anchor) ?? "") : "",
    Owner: owner,
    From: tagValue(item.tags, "From-Process") ?? owner,
    Tags: item.tags.map((t) => ({ name: t.name, value: t.value })),
    Target: item.target ? b64url(item.target) : "",
    Data: utf8Lossy(item.data),
    Signature: b64url(item.signature),
  };
}

export function pageToAos2(page: SchedulePage): Record<string, unknown> {
  return {
    page_info: {
      process: page.processId,
      has_next_page: page.continues,
      timestamp: String(page.timestamp),
      "block-height": String(page.height),
    },
    edges: page.slots.map((s) => ({
      cursor: s.slot,
      node: {
        message: s.message ? itemToAos2(parseItem(s.message, NO_LIMITS, s.messageId)) : null,
        assignment: itemToAos2(parseItem(s.assignment, NO_LIMITS, s.assignmentId)),
      },
    })),
  };
}

// ## Reading a HyperBEAM node's aos-2 back

/** One message or assignment as aos-2 renders it (§6.1): the signer only as an address, the signature only for 512-byte ones. */
export interface Aos2Struct {
  Id: string;
  Anchor: string;
  Owner: string;
  From: string;
  Tags: { name: string; value: string }[];
  Target: string;
  Data: string;
  Signature: string;
}

/** An edge of an aos-2 page: the slot (its cursor) and the structs rendered for it. */
export interface Aos2Edge {
  cursor: number;
  node: { message: Aos2Struct | null; assignment: Aos2Struct };
}

const text = (v: unknown, field: string): string => {
  if (typeof v !== "string") throw new FormatError(field, `expected a string, got ${v === null ? "null" : typeof v}`);
  return v;
};

/** Checks a struct's shape and keeps exactly its eight fields (a missing text field reads as ""). */
export function readAos2Struct(v: unknown, field: string): Aos2Struct {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new FormatError(field, "expected an aos-2 struct");
  const o = v as Record<string, unknown>;
  if (!isId(o.Id)) throw new FormatError(`${field}.Id`, `expected a 43-character id, got ${JSON.stringify(String(o.Id).slice(0, 60))}`);
  if (!Array.isArray(o.Tags)) throw new FormatError(`${field}.Tags`, "expected a list of {name, value}");
  const Tags = o.Tags.map((t: { name?: unknown; value?: unknown }, i) => ({ name: text(t?.name, `${field}.Tags[${i}].name`), value: text(t?.value, `${field}.Tags[${i}].value`) }));
  const opt = (k: string) => (o[k] === undefined || o[k] === null ? "" : text(o[k], `${field}.${k}`));
  return { Id: o.Id as string, Anchor: opt("Anchor"), Owner: opt("Owner"), From: opt("From"), Tags, Target: opt("Target"), Data: opt("Data"), Signature: opt("Signature") };
}

/** The edges of a HyperBEAM aos-2 page, each struct checked; throws FormatError naming the field. */
export function readAos2Page(page: unknown): { edges: Aos2Edge[]; continues: boolean } {
  const p = page as { page_info?: { has_next_page?: unknown }; edges?: unknown };
  if (typeof p !== "object" || p === null || !Array.isArray(p.edges)) throw new FormatError("edges", "missing");
  const edges = p.edges.map((e: { cursor?: unknown; node?: { message?: unknown; assignment?: unknown } }, i): Aos2Edge => {
    const cursor = Number(e?.cursor);
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new FormatError(`edges[${i}].cursor`, `expected a slot number, got ${JSON.stringify(e?.cursor)}`);
    const message = e.node?.message;
    return { cursor, node: { assignment: readAos2Struct(e.node?.assignment, `edges[${i}].node.assignment`), message: message === null || message === undefined ? null : readAos2Struct(message, `edges[${i}].node.message`) } };
  });
  return { edges, continues: p.page_info?.has_next_page === true };
}

/** A struct as the bytes a store keeps for it (its JSON), and back. */
export const aos2Bytes = (s: Aos2Struct): Uint8Array => utf8(JSON.stringify(s));
export const aos2Of = (bytes: Uint8Array, field = "struct"): Aos2Struct => {
  let json: unknown;
  try {
    json = JSON.parse(utf8Strict(bytes) ?? "not UTF-8");
  } catch {
    throw new FormatError(field, "is not aos-2 JSON");
  }
  return readAos2Struct(json, field);
};
