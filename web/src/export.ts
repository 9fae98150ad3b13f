/** Downloads a kept schedule as a file the dashboard (or any ANS-104 tool) can read back. */
import { exportBundle, exportJson } from "../../src/remote/schedule-file.ts";
import type { Store, StoredSlot } from "../../src/schedule/store.ts";

const BATCH = 1000;

async function allSlots(store: Store): Promise<StoredSlot[]> {
  const out: StoredSlot[] = [];
  for (;;) {
    const batch = await store.range({ from: out.length, to: out.length + BATCH - 1, limit: BATCH, maxBytes: Number.MAX_SAFE_INTEGER });
    out.push(...batch);
    if (batch.length < BATCH) return out;
  }
}

export async function exportSchedule(store: Store, processId: string, kind: "bundle" | "json"): Promise<void> {
  const slots = await allSlots(store);
  if (slots.length === 0) throw new Error("no slot of this process is kept in this browser yet: there is nothing to export");
  const blob = kind === "bundle" ? new Blob([exportBundle(processId, slots) as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }) : new Blob([exportJson(processId, slots)], { type: "application/json" });
  saveFile(blob, `${processId}.${kind === "bundle" ? "ans104" : "json"}`);
}

/** Hands the browser a file to save. */
export function saveFile(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
