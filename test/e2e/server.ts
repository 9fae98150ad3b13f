/**
 * The real server for end-to-end tests: `node scripts/start.mjs` as a child process, started on a
 * free port with its own STATE_DIR, and stopped only by its own PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Server as HttpServer } from "node:http";
import { createServer } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const HOST = "127.0.0.1";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `port` can be listened on now. */
const free = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });

/**
 * A port free now for a server a test or the bench starts a moment later, with the `span - 1`
 * ports after it free too (INSPECTOR_PORT takes two). Chosen below the systems' ephemeral ranges
 * (Linux 32768+, macOS 49152+): a port the OS hands out for `listen(0)` (workerd's own listeners,
 * started meanwhile) could otherwise be taken before the server binds it.
 */
export async function freePort(span = 1): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (12_000 - span));
    let all = true;
    for (let p = port; all && p < port + span; p++) all = await free(p);
    if (all) return port;
  }
}

/** Starts a test's own HTTP server on 127.0.0.1 (a free port unless given); answers its URL. */
export async function listenLocal(server: HttpServer, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  return `http://${HOST}:${(server.address() as { port: number }).port}`;
}

/** Stops a test's own HTTP server, its open connections too. */
export async function closeLocal(server: HttpServer | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

export async function waitPortFree(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await portIsFree(port)) return true;
    await sleep(200);
  }
  return false;
}

export interface Server {
  child: ChildProcess;
  exited: Promise<void>;
  url: string;
  port: number;
  stateDir: string;
  log: () => string;
}

/**
 * Starts `npm start`'s script with LOG_LEVEL=warn; `env` adds or (with undefined) removes variables.
 * `root` is the checkout (callers bundled elsewhere, like the fuzzer, pass it).
 */
export function startServer(port: number, stateDir: string, env: Record<string, string | undefined> = {}, root = ROOT): Server {
  const merged: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    STATE_DIR: stateDir,
    LOG_LEVEL: "warn",
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    ...env,
  };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env: merged, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const decoder = new TextDecoder();
  const keep = (chunk: Uint8Array) => {
    output = (output + decoder.decode(chunk, { stream: true })).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited, url: `http://${HOST}:${port}`, port, stateDir, log: () => output };
}

export const running = (s: Server) => s.child.exitCode === null && s.child.signalCode === null;

/** Waits for a 200 from /~scheduler@1.0/info, failing early if the server exits; the deadline only bounds the wait below the hooks' 180 s timeout. */
export async function waitReady(s: Server, ms = 170_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!running(s)) throw new Error(`npm start exited (${s.child.exitCode ?? s.child.signalCode}) before answering:\n${s.log()}`);
    try {
      if ((await fetch(`${s.url}/~scheduler@1.0/info`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`no 200 from /~scheduler@1.0/info within ${ms} ms:\n${s.log()}`);
}

/** SIGTERM to the child; SIGKILL to the same PID if it outlives `graceMs`. True when it exited in grace. */
export async function stopServer(s: Server, graceMs = 10_000): Promise<boolean> {
  if (!running(s)) return true;
  s.child.kill("SIGTERM");
  const graceful = await Promise.race([s.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!graceful && running(s)) {
    s.child.kill("SIGKILL");
    await s.exited;
  }
  return graceful;
}
