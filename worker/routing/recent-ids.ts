/**
 * Ids this isolate scheduled lately, and their process. The global id index learns ids a few
 * seconds after their write (docs/id-index.md); a messenger assigns an item to a second process
 * right after scheduling it on the first, so `assign` and `GET /{id}` look here first.
 */
import { BoundedCache } from "../../src/crypto/bounded-cache.ts";

const recent = new BoundedCache<string>(20_000);

export function remember(processId: string, ...ids: string[]): void {
  for (const id of ids) recent.set(id, processId);
}

export const recentProcess = (id: string): string | undefined => recent.peek(id);

/** Forgets every recent id (the global index still has them; tests use this to reach it). */
export const forgetRecentIds = (): void => recent.clear();
