/**
 * What an incoming item is to a scheduler: a process (spawn) or a message to a process, and
 * whether it is acceptable (D4, docs/architecture.md; legacy-su.md §2.5-2.6).
 */
import type { DataItem } from "../ans104/data-item.ts";
import { tagValueAnyCase, type Tag } from "../ans104/tags.ts";
import { b64url } from "../crypto/base64url.ts";
import { ScheduleError } from "./errors.ts";

export type Classified = { kind: "process"; processId: string } | { kind: "message"; processId: string };

export interface ClassifyOptions {
  /** The legacy SU's rule: Type must be Process or Message, and Data-Protocol must be present. */
  legacy?: boolean;
}

/** The item's Type tag (`Type` or `type`). */
export const itemType = (item: DataItem): string | undefined => tagValueAnyCase(item.tags, "Type");

export function classify(item: DataItem, opts: ClassifyOptions = {}): Classified {
  rejectLinks(item.tags);
  const type = itemType(item);
  if (type === "Process") return { kind: "process", processId: item.id };
  if (opts.legacy) {
    if (type === undefined) throw new ScheduleError("invalid-message", `item ${item.id} has no Type tag (expected Process or Message)`);
    if (type !== "Message") throw new ScheduleError("invalid-message", `item ${item.id} has Type ${JSON.stringify(type)}; expected Process or Message`);
    if (tagValueAnyCase(item.tags, "Data-Protocol") === undefined) {
      throw new ScheduleError("invalid-message", `item ${item.id} has no Data-Protocol tag`);
    }
  }
  if (type === "Assignment") throw new ScheduleError("invalid-message", `item ${item.id} is an Assignment; only schedulers make those`);
  if (!item.target) throw new ScheduleError("invalid-message", `message ${item.id} has no target: a message must name the process it is for`);
  return { kind: "message", processId: b64url(item.target) };
}

function rejectLinks(tags: readonly Tag[]): void {
  for (const t of tags) {
    if (t.name.endsWith("+link") || t.value.endsWith("+link")) {
      throw new ScheduleError("invalid-item", `tag ${JSON.stringify(t.name)} cannot contain +link`);
    }
  }
}

/** The schedulers a process names: `Scheduler`, else `scheduler-location`; a comma-separated list is allowed. */
export function namedSchedulers(item: DataItem): string[] {
  const value = tagValueAnyCase(item.tags, "Scheduler") ?? tagValueAnyCase(item.tags, "Scheduler-Location");
  if (value === undefined) return [];
  return value
    .split(",")
    .map((s) => s.trim().replace(/^"|"$/g, ""))
    .filter((s) => s.length > 0);
}

/** Checks a spawn: the tags a process needs, and that it names `address` as its scheduler. */
export function checkProcess(item: DataItem, address: string): void {
  const missing = ["Data-Protocol", "Module"].filter((n) => tagValueAnyCase(item.tags, n) === undefined);
  const schedulers = namedSchedulers(item);
  if (schedulers.length === 0) missing.push("Scheduler");
  if (missing.length > 0) {
    throw new ScheduleError("invalid-process", `process ${item.id} is missing required tag${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
  }
  if (!schedulers.includes(address)) {
    throw new ScheduleError(
      "wrong-scheduler",
      `process ${item.id} is scheduled by ${schedulers.join(", ")}, not by this node (${address})`,
      { scheduler: schedulers.join(","), address },
    );
  }
}
