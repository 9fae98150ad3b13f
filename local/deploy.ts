/**
 * `npm run deploy`: checks the settings as `npm start` does (config.ts), then runs
 * `wrangler deploy` with them as the Worker's variables (docs/deploy.md).
 *
 *   npm run deploy [-- --dry-run [--outdir <dir>]]
 *
 * The settings come from the environment, with the names README's configuration table gives.
 * What only a local node has (PORT, HOST, STATE_DIR) does not go; SCHEDULER_KEY is checked but
 * never sent as a variable (it is a secret: `npx wrangler secret put SCHEDULER_KEY`); the
 * bench's AO_BENCH_TOKEN is refused. With RATE_LIMIT_SIGNER or RATE_LIMIT_IP set, the deployed
 * Worker also gets Cloudflare's rate-limiting bindings for the same rule: wrangler is given
 * wrangler.toml with those bindings added (written to wrangler.deploy.toml, git-ignored).
 * `--dry-run` builds and checks everything without an account and uploads nothing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, readConfig } from "./config.ts";

const root = process.cwd(); // scripts/deploy.mjs runs this from the checkout's root

/** Cloudflare's rate-limiting namespaces this Worker uses (each must be unique in the account). */
export const RATE_LIMIT_NAMESPACES = { SIGNER_RATE_LIMIT: "14001", IP_RATE_LIMIT: "14002" } as const;
/** Settings that only mean something to a local node. */
const LOCAL_ONLY = ["PORT", "HOST", "STATE_DIR"];

function fail(message: string): never {
  console.error(`[deploy] ${message}`);
  process.exit(2);
}

const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, outdir: { type: "string" } } });
const dryRun = values["dry-run"]!;

const config = await readConfig(process.env, root).catch((err) => fail(err instanceof ConfigError ? err.message : String(err)));
if (process.env.AO_BENCH_TOKEN) fail("AO_BENCH_TOKEN is set: it turns on the bench's seeding route, which a deployed node must never have. Unset it.");

const vars = { ...config.bindings };
delete vars.SCHEDULER_KEY; // a secret, never a variable
delete vars.AO_BENCH_TOKEN;
// `npm start` allows private destinations on loopback; deployed, only an explicit setting does.
if (!process.env.REMOTE_PRIVATE) delete vars.REMOTE_PRIVATE;

const notes = [...config.warnings];
for (const name of LOCAL_ONLY) if (process.env[name]) notes.push(`${name} is set: it applies to \`npm start\` only and is not deployed.`);
if (config.bindings.SCHEDULER_KEY) notes.push("SCHEDULER_KEY is usable; it is not sent by `npm run deploy`: store it once with `npx wrangler secret put SCHEDULER_KEY` (docs/deploy.md).");
else notes.push("No SCHEDULER_KEY: the deployed node generates its own key in its NodeObject on first use (docs/deploy.md says how to set one instead).");
if (!vars.PUBLIC_URL) notes.push("PUBLIC_URL is not set: the node publishes no location record, so other schedulers cannot find its processes.");
if (vars.REMOTE_PRIVATE === "allow") notes.push("REMOTE_PRIVATE=allow: anyone can have the deployed node send requests to private addresses.");
for (const n of notes) console.warn(`[deploy] note: ${n}`);

// The rate-limiting bindings for the limits set, added to a copy of wrangler.toml.
const limits = (["SIGNER_RATE_LIMIT", "IP_RATE_LIMIT"] as const).flatMap((binding) => {
  const limit = vars[binding === "SIGNER_RATE_LIMIT" ? "RATE_LIMIT_SIGNER" : "RATE_LIMIT_IP"];
  return limit ? [`\n[[ratelimits]]\nname = "${binding}"\nnamespace_id = "${RATE_LIMIT_NAMESPACES[binding]}"\nsimple = { limit = ${Number(limit)}, period = 60 }\n`] : [];
});
let configPath = join(root, "wrangler.toml");
if (limits.length) {
  configPath = join(root, "wrangler.deploy.toml");
  const header = "# Written by `npm run deploy` (local/deploy.ts) from wrangler.toml: do not edit, it is written again on every deploy.\n";
  writeFileSync(configPath, header + readFileSync(join(root, "wrangler.toml"), "utf8") + limits.join(""));
}

const args = ["deploy", "--config", configPath, ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
if (dryRun) args.push("--dry-run", "--outdir", resolve(root, values.outdir ?? join(".wrangler", "deploy")));
console.log(`[deploy] settings checked; ${dryRun ? "building (dry run, nothing is uploaded)" : "deploying"}: wrangler ${args.join(" ")}`);
const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
delete env.SCHEDULER_KEY; // wrangler has no use for it
const run = spawnSync(join(root, "node_modules", ".bin", "wrangler"), args, { cwd: root, stdio: "inherit", env });
if (run.status !== 0) fail(`wrangler deploy failed (exit ${run.status ?? run.signal})`);
if (!dryRun && vars.PUBLIC_URL) console.log(`[deploy] deployed. The node publishes its location record for ${vars.PUBLIC_URL} on its first request; check it with: curl ${vars.PUBLIC_URL}/~scheduler@1.0/status`);
