// `npm start`: the scheduler (API, and later the dashboard) on one port through `wrangler dev`:
// real workerd, SQLite-backed Durable Objects, state persisted under STATE_DIR.
//
//   PORT (8787)  HOST (127.0.0.1)  STATE_DIR (./.state)  SCHEDULER_KEY | SCHEDULER_KEY_FILE
//   SCHEDULING_MODE (local_confirmation | aggressive)  GATEWAY_URL  INDEX_DELAY_MS (5000)  LOG_LEVEL (info)
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./ensure-deps.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fail = (message) => {
  console.error(`[start] ${message}`);
  process.exit(2);
};

const port = Number(process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port number, got ${JSON.stringify(process.env.PORT)}`);
const host = process.env.HOST || "127.0.0.1";
const stateDir = resolve(process.env.STATE_DIR || join(root, ".state"));
const mode = process.env.SCHEDULING_MODE || "local_confirmation";
if (!["local_confirmation", "aggressive"].includes(mode)) fail(`SCHEDULING_MODE must be local_confirmation or aggressive, got ${JSON.stringify(mode)}`);
const gateway = process.env.GATEWAY_URL || "";
if (gateway && !/^https?:\/\/[^\s']+$/.test(gateway)) fail(`GATEWAY_URL must be an http(s) URL, got ${JSON.stringify(gateway)}`);
const logLevel = process.env.LOG_LEVEL || "info";

let key = process.env.SCHEDULER_KEY?.trim() || "";
if (!key && process.env.SCHEDULER_KEY_FILE) {
  try {
    key = readFileSync(process.env.SCHEDULER_KEY_FILE, "utf8").trim();
  } catch (err) {
    fail(`SCHEDULER_KEY_FILE ${process.env.SCHEDULER_KEY_FILE}: ${err.code ?? err.message}`);
  }
  if (!key) fail(`SCHEDULER_KEY_FILE ${process.env.SCHEDULER_KEY_FILE} is empty`);
}
if (key.includes("'") || key.includes("\n")) key = JSON.stringify(JSON.parse(key)); // one line for the env file

ensureDeps(root);
mkdirSync(stateDir, { recursive: true });
// Settings reach the worker through an env file (mode 600), so a key never shows in `ps`.
const envFile = join(stateDir, ".worker.env");
const lines = [`SCHEDULING_MODE=${mode}`, `GATEWAY_URL='${gateway}'`];
if (key) lines.push(`SCHEDULER_KEY='${key}'`);
if (process.env.AO_BENCH_TOKEN) {
  // npm run bench only: its seeding route answers requests that carry this token.
  if (!/^[A-Za-z0-9_-]{16,}$/.test(process.env.AO_BENCH_TOKEN)) fail("AO_BENCH_TOKEN must be 16+ base64url characters");
  lines.push(`AO_BENCH_TOKEN=${process.env.AO_BENCH_TOKEN}`);
  console.warn("[start] AO_BENCH_TOKEN is set: the bench-only seeding route is on. Never set it in production.");
}
if (process.env.INDEX_DELAY_MS) {
  if (!/^\d{1,7}$/.test(process.env.INDEX_DELAY_MS)) fail(`INDEX_DELAY_MS must be a number of milliseconds, got ${JSON.stringify(process.env.INDEX_DELAY_MS)}`);
  lines.push(`INDEX_DELAY_MS=${process.env.INDEX_DELAY_MS}`);
}
writeFileSync(envFile, lines.join("\n") + "\n", { mode: 0o600 });
chmodSync(envFile, 0o600);

const args = ["dev", "--port", String(port), "--ip", host, "--persist-to", stateDir, "--env-file", envFile, "--log-level", logLevel, "--show-interactive-dev-session=false"];
const wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  wrangler.kill("SIGTERM");
  setTimeout(() => wrangler.kill("SIGKILL"), 5000).unref();
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
// `npm start` runs this through a shell that does not forward SIGTERM; when our parent goes away
// (we are re-parented), stop too rather than leave a server nobody can reach to stop.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 500).unref();
wrangler.on("exit", (code, signal) => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));

// Tell the user where it is once it answers.
const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
const started = Date.now();
(async function announce() {
  while (!stopping && Date.now() - started < 120_000) {
    try {
      const res = await fetch(`${base}/~scheduler@1.0/info`);
      if (res.ok) {
        const info = await res.json();
        const kind = info["signature-type"] === 1 ? "arweave rsa" : "ed25519";
        console.log(`\n[start] AO scheduler ready at ${base}\n[start] address ${info.address} (${kind}), mode ${info["scheduling-mode"]}, state in ${stateDir}\n`);
        return;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
})();
