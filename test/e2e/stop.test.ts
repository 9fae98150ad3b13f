/**
 * `npm start` stops when whoever started it stops it: SIGTERM to the npm process must take down
 * wrangler and workerd too, even though npm runs the script through a shell that does not
 * forward signals.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { freePort, ROOT } from "./server.ts";

async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  } catch {
    return false;
  }
}

async function until(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

test("SIGTERM to `npm start` stops the whole server", async () => {
  const port = await freePort();
  const state = await mkdtemp(join(tmpdir(), "ao-stop-"));
  const npm = spawn("npm", ["start"], { cwd: ROOT, env: { ...process.env, PORT: String(port), STATE_DIR: state, LOG_LEVEL: "warn" }, stdio: "ignore" });
  try {
    expect(await until(() => answers(port), 90_000)).toBe(true);
    npm.kill("SIGTERM");
    expect(await until(async () => !(await answers(port)), 15_000)).toBe(true);
  } finally {
    if (npm.exitCode === null) npm.kill("SIGKILL");
    await rm(state, { recursive: true, force: true });
  }
});
