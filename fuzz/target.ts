/**
 * The server under test: the real one, started as `npm start` runs it (test/e2e/server.ts) on a
 * free port with a fresh STATE_DIR, restarted on the same STATE_DIR if bad input takes it down;
 * or one already running at a URL (then nothing is started, restarted or stopped).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, running, startServer, stopServer, waitReady, type Server } from "../test/e2e/server.ts";
import { SCHEDULER_KEY_HEX } from "./items.ts";

export interface Target {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** How it was started, for the report. */
  readonly describe: string;
  /** False once the server's process has exited (always true for a URL: only answers tell). */
  alive(): boolean;
  /** How it exited, e.g. "code 1" or "signal SIGSEGV". */
  exitStatus(): string;
  /** Starts it again on the same state; false when that is not ours to do. */
  restart(): Promise<boolean>;
  stop(): Promise<void>;
  /** The server's recent output, for reports on exits. */
  log(): string;
}

const started = new Set<Target>();

/** Stops every server this process started (run.ts calls it on Ctrl-C and SIGTERM). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...started].map((t) => t.stop()));
}

/** Starts `npm start` on a fresh STATE_DIR; `extra` adds settings (the policy cases' limits). */
export async function startTarget(root: string, extra: Record<string, string> = {}): Promise<Target> {
  const stateDir = mkdtempSync(join(tmpdir(), "ao-fuzz-"));
  // A fixed key: the control process names this scheduler, so its id (and every item) is the same each run of a seed.
  // Private destinations denied, as on a node others reach: hints and records aimed at this machine must not get through.
  const env = { SCHEDULER_KEY: SCHEDULER_KEY_HEX, SCHEDULER_KEY_FILE: undefined, GATEWAY_URL: undefined, REMOTE_PRIVATE: "deny", ...extra };
  let server: Server;
  let port = 0;
  const launch = async () => {
    port = await freePort();
    server = startServer(port, stateDir, env, root);
    await waitReady(server);
  };
  await launch();
  const target: Target = {
    get url() {
      return server.url;
    },
    host: "127.0.0.1",
    get port() {
      return port;
    },
    describe: `npm start (scripts/start.mjs) with a fresh STATE_DIR and REMOTE_PRIVATE=deny${Object.entries(extra).map(([k, v]) => `, ${k}=${v}`).join("")}`,
    alive: () => running(server),
    exitStatus: () => (server.child.signalCode ? `signal ${server.child.signalCode}` : `code ${server.child.exitCode}`),
    async restart() {
      await stopServer(server);
      await launch();
      return true;
    },
    async stop() {
      started.delete(target);
      await stopServer(server);
      rmSync(stateDir, { recursive: true, force: true });
    },
    log: () => server.log(),
  };
  started.add(target);
  return target;
}

export function urlTarget(url: string): Target {
  const u = new URL(url);
  if (u.protocol !== "http:") throw new Error(`--url must be an http:// URL, got ${url}`);
  return {
    url: u.origin,
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: Number(u.port || 80),
    describe: "a server already running",
    alive: () => true,
    exitStatus: () => "unknown",
    restart: async () => false,
    stop: async () => {},
    log: () => "",
  };
}
