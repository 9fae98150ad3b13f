/**
 * `npm start`: checks the settings, starts the worker in workerd (runtime.ts) and the HTTP front
 * (front.ts) on PORT, and stops both on a signal or when its parent goes away.
 * `--config <wrangler.toml>` runs another worker the same way (the bench's ceiling worker).
 */
import { resolve } from "node:path";
import { DEFAULT_LIMITS } from "../src/ans104/limits.ts";
import { ConfigError, readConfig } from "./config.ts";
import { startFront } from "./front.ts";
import { exportNodeKey } from "./node-key.ts";
import { startRuntime, type Runtime } from "./runtime.ts";
import { lockStateDir, noteNode, noteRuntime, runtimeProcesses, StateDirInUse } from "./state-lock.ts";

// scripts/start.mjs runs this from the checkout's root.
const root = process.cwd();

function fail(message: string): never {
  console.error(`[start] ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--config");
  const configPath = resolve(root, at >= 0 ? (args[at + 1] ?? fail("--config needs a path")) : "wrangler.toml");

  const config = await readConfig(process.env, root).catch((err) => fail(err instanceof ConfigError ? err.message : String(err)));
  for (const w of config.warnings) console.warn(`[start] warning: ${w}`);

  // One node per STATE_DIR: a second one is refused before it touches anything there.
  let unlock: () => void = () => {};
  try {
    unlock = lockStateDir(config.stateDir, { port: config.port, host: config.host });
  } catch (err) {
    fail(err instanceof StateDirInUse ? err.message : `cannot lock STATE_DIR ${config.stateDir}: ${(err as Error).message}`);
  }
  const forget = at < 0 ? noteNode(root, config.port, config.stateDir) : () => {};
  process.on("exit", () => {
    forget();
    unlock();
  });

  let runtime: Runtime | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), 5_000).unref();
    await runtime?.dispose().catch(() => {});
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(0));
  // `npm start` runs us through a shell that does not forward SIGTERM; when our parent goes away
  // (we are re-parented), stop too rather than leave a server nobody can reach to stop.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop(0), 500).unref();

  runtime = await startRuntime({ root, configPath, stateDir: config.stateDir, bindings: config.bindings, quiet: config.logLevel !== "debug", inspectorPort: config.inspectorPort });
  noteRuntime(config.stateDir, runtimeProcesses()); // stopped by the next node on this STATE_DIR if this one is killed
  if (at < 0 && !config.bindings.SCHEDULER_KEY) await exportNodeKey(runtime, config.stateDir);
  const log = config.logLevel === "info" || config.logLevel === "debug";
  const front = await startFront({
    host: config.host,
    port: config.port,
    upstream: runtime.url,
    maxBody: DEFAULT_LIMITS.maxItemBytes,
    onRequest: log ? (line) => console.log(line) : undefined,
  }).catch((err: NodeJS.ErrnoException) => {
    void runtime?.dispose();
    return fail(err.code === "EADDRINUSE" ? `PORT ${config.port} on ${config.host} is already in use` : `cannot listen on ${config.host}:${config.port}: ${err.message}`);
  });
  front.on("close", () => void stop(0));

  const base = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  const info = (await fetch(`${base}/~scheduler@1.0/info`)
    .then((r) => r.json())
    .catch(() => ({}))) as Record<string, unknown>;
  if (info.address) {
    const kind = info["signature-type"] === 1 ? "arweave rsa" : "ed25519";
    console.log(`\n[start] AO scheduler ready at ${base}\n[start] address ${info.address} (${kind}), mode ${info["scheduling-mode"]}, state in ${config.stateDir}\n`);
  } else {
    console.log(`\n[start] ready at ${base} (${configPath})\n`);
  }
}

await main();
