/** Directories the local node makes from settings (STATE_DIR). */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p` that fails instead of spinning: Node's recursive mkdir loops forever where the kernel
 * answers ENOENT under a directory that exists (any path in /proc), so the missing parts are made
 * one at a time and the first refusal is thrown as it is.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err; // made meanwhile by another process: fine
    }
  }
}
