/** Content negotiation for schedule pages and assignments (`accept` header or query key). */
import type { Context } from "hono";
import { pageToAos2 } from "../../src/formats/aos2.ts";
import { pageToBundle } from "../../src/formats/ans104-bundle.ts";
import { assignmentToJson, pageToJson, type SlotView } from "../../src/formats/hyperbeam-json.ts";
import type { SchedulePage } from "../../src/formats/page.ts";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";

export type Format = "json" | "aos-2" | "ans104";

export const ANS104 = "application/ans104";

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
  return c.json(format === "aos-2" ? pageToAos2(page) : pageToJson(page));
}

/**
 * An assignment, as JSON (its message under `body`) or raw bytes. Its slot, timestamp, process and
 * block height also go in headers, as HyperBEAM's httpsig answers carry an answer's fields: AO's
 * messenger reads them from there when it posts to an ao.N.1 scheduler.
 */
export function renderAssignment(c: Context, s: SlotView): Response {
  const info = readAssignment(parseItem(s.assignment, NO_LIMITS, s.assignmentId));
  const headers = { slot: String(s.slot), timestamp: String(info.timestamp), process: info.processId, "block-height": String(info.height) };
  if (negotiate(c) === "ans104") return new Response(s.assignment, { headers: { "content-type": ANS104, ...headers } });
  return c.json(assignmentToJson(s), 200, headers);
}
