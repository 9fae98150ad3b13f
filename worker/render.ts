/** Content negotiation for schedule pages and assignments (`accept` header or query key). */
import type { Context } from "hono";
import { pageToAos2 } from "../src/formats/aos2.ts";
import { pageToBundle } from "../src/formats/ans104-bundle.ts";
import { assignmentToJson, pageToJson, type SlotView } from "../src/formats/hyperbeam-json.ts";
import type { SchedulePage } from "../src/formats/page.ts";

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

export function renderAssignment(c: Context, s: SlotView): Response {
  if (negotiate(c) === "ans104") {
    return new Response(s.assignment, { headers: { "content-type": ANS104, slot: String(s.slot) } });
  }
  return c.json(assignmentToJson(s));
}
