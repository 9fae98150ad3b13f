/** A page of one process's schedule, as every format receives it. */
import type { StoredSlot } from "../schedule/store.ts";

export interface SchedulePage {
  processId: string;
  slots: readonly StoredSlot[];
  /** True exactly when slots after the last one exist within the requested range. */
  continues: boolean;
  /** Response time facts: this node's clock (ms) and the latest known Arweave height. */
  timestamp: number;
  height: number;
}
