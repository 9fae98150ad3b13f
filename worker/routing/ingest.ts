/**
 * Turns a posted body into a verified data item (D8, docs/architecture.md). Runs in the stateless
 * worker, so signature checks never occupy a process's Durable Object.
 */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { verdictMessage, verifyItem } from "../../src/ans104/verify.ts";
import { ScheduleError } from "../../src/schedule/errors.ts";

export async function verifiedItem(body: Uint8Array): Promise<DataItem> {
  if (body.length === 0) throw new ScheduleError("invalid-item", "empty body: expected a signed ANS-104 data item");
  const item = parseItem(body); // Ans104Error → 400 naming the field
  const verdict = await verifyItem(item);
  if (verdict !== "valid") throw new ScheduleError("invalid-item", verdictMessage(verdict, item));
  return item;
}
