/** Content negotiation for schedule pages and assignments (`accept` header or query key). */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { pageToAos2 } from "../../src/formats/aos2.ts";
import { pageToBundle } from "../../src/formats/ans104-bundle.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { assignmentToJson, pageToJson } from "../../src/formats/hyperbeam-json.ts";
import type { SchedulePage } from "../../src/formats/page.ts";
import type { ScheduledWire } from "../contract.ts";

export type Format = "json" | "aos-2" | "ans104";

export const ANS104 = "application/ans104";

const JSON_TYPE = { "content-type": "application/json" } as const;

/** A JSON answer. It ends with a newline, so a shell prompt after `curl` starts on a line of its own. */
export function json(c: Context, value: unknown, status: ContentfulStatusCode = 200, headers?: Record<string, string>): Response {
  return c.body(JSON.stringify(value) + "\n", status, headers ? { ...JSON_TYPE, ...headers } : JSON_TYPE);
}

export function negotiate(c: Context): Format {
  let accept = c.req.query("accept") ?? c.req.header("accept") ?? "";
  if (accept.includes("%")) accept = safeDecode(accept);
  if (accept.includes("application/aos-2")) return "aos-2";
  if (accept.includes(ANS104)) return "ans104";
  return "json";
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function renderPage(c: Context, page: SchedulePage, format = negotiate(c)): Response {
  if (format === "ans104") {
    return new Response(pageToBundle(page), {
      headers: {
        "content-type": ANS104,
        process: page.processId,
        continues: String(page.continues),
        "slot-count": String(page.slots.length),
      },
    });
  }
  return json(c, format === "aos-2" ? pageToAos2(page) : pageToJson(page));
}

/**
 * A new or existing assignment of `message` to process `processId`, as JSON (the message under
 * `body`) or raw bytes. Its slot, timestamp, process and block height also go in headers, as
 * HyperBEAM's httpsig answers carry an answer's fields: AO's messenger reads them from there when
 * it posts to an ao.N.1 scheduler.
 */
export function renderAssignment(c: Context, processId: string, s: ScheduledWire, message: DataItem): Response {
  const headers = { slot: String(s.slot), timestamp: String(s.timestamp), process: processId, "block-height": String(s.height) };
  if (negotiate(c) === "ans104") return new Response(s.assignment, { headers: { "content-type": ANS104, ...headers } });
  return json(c, assignmentToJson(s, message), 200, headers);
}
