/**
 * HyperBEAM's aos-2 JSON (`accept: application/aos-2`, hyperbeam-scheduler.md §6.1): edges with
 * capitalised message structs, cursor = slot. Lossy by design (owners appear as addresses).
 */
import type { DataItem } from "../ans104/data-item.ts";
import { NO_LIMITS } from "../ans104/limits.ts";
import { parseItem } from "../ans104/parse.ts";
import { tagValue } from "../ans104/tags.ts";
import { b64url } from "../crypto/base64url.ts";
import { utf8Lossy, utf8Strict } from "../crypto/bytes.ts";
import { addressOf } from "../crypto/ids.ts";
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
