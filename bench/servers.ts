/**
 * What the bench starts and stops itself: the scheduler exactly as `npm start` runs it
 * (scripts/start.mjs: the HTTP front and workerd, logging at warn), and the ceiling worker the
 * same way, each on a free port with fresh state, each stopped by its own PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/e2e/server.ts";

export interface Running {
  url: string;
  /** The server's own process (the HTTP front; workerd is its child). */
  pid: number;
  stop(): Promise<void>;
}

const QUIET = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

const started = new Set<Running>();

/** Stops every server this run started (on Ctrl-C or SIGTERM too: see run.ts). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}

async function launch(root: string, command: string, args: string[], env: Record<string, string>, ready: string): Promise<Running> {
  const state = mkdtempSync(join(tmpdir(), "ao-bench-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(command, args.map((a) => a.replace("{port}", String(port)).replace("{state}", state)), {
    cwd: root,
    env: { ...process.env, ...QUIET, PORT: String(port), STATE_DIR: state, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const running: Running = {
    url,
    pid: child.pid!,
    async stop() {
      started.delete(running);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
  started.add(running);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await running.stop();
      throw new Error(`${command} exited before it answered:\n${log}`);
    }
    try {
      if ((await fetch(url + ready)).status < 500) return running;
    } catch {}
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`${command} did not answer within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A fresh token for the seeding route of the servers this run starts (worker/routes/bench.ts). */
export const BENCH_TOKEN = randomBytes(24).toString("base64url");

/** The scheduler as `npm start` runs it, with the bench's seeding route on (for this run's token). */
export const startScheduler = (root: string, env: Record<string, string> = {}) =>
  launch(root, process.execPath, ["scripts/start.mjs"], { LOG_LEVEL: "warn", AO_BENCH_TOKEN: BENCH_TOKEN, SCHEDULER_KEY: "", SCHEDULER_KEY_FILE: "", SCHEDULING_MODE: "local_confirmation", GATEWAY_URL: "", ...env }, "/~scheduler@1.0/info");

/** The ceiling worker (bench/ceiling): one SQLite insert per request, behind the same front and runtime. */
export const startCeiling = (root: string) =>
  launch(root, process.execPath, ["scripts/start.mjs", "--config", "bench/ceiling/wrangler.toml"], { LOG_LEVEL: "warn", SCHEDULER_KEY: "", SCHEDULER_KEY_FILE: "" }, "/");
