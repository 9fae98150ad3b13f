/**
 * `npm run deploy`: checks the settings as `npm start` does (config.ts), then runs
 * `wrangler deploy` with them as the Worker's variables (docs/deploy.md).
 *
 *   npm run deploy [-- --dry-run [--outdir <dir>]]
 *
 * The settings come from the environment, with the names README's configuration table gives.
 * What only a local node has (PORT, HOST, STATE_DIR) does not go; SCHEDULER_KEY is checked but
 * never sent as a variable (it is a secret: `npx wrangler secret put SCHEDULER_KEY`); the
 * bench's AO_BENCH_TOKEN is refused. What a deployment adds to wrangler.toml comes from three
 * settings of its own: RATE_LIMIT_SIGNER and RATE_LIMIT_IP also give the Worker Cloudflare's
 * rate-limiting bindings for the same rule, CUSTOM_DOMAIN serves it on that domain (and is the
 * default PUBLIC_URL), ANALYTICS_DATASET binds a Workers Analytics Engine dataset. wrangler is then
 * given wrangler.toml with those added (written to wrangler.deploy.toml, git-ignored).
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
const LOCAL_ONLY = ["PORT", "HOST", "STATE_DIR", "INSPECTOR_PORT"];

function fail(message: string): never {
  console.error(`[deploy] ${message}`);
  process.exit(2);
}

const USAGE = "usage: npm run deploy [-- --dry-run] [--outdir DIR]\n  Settings come from the environment, as for npm start (README's configuration table; docs/deploy.md).";
let values: { "dry-run"?: boolean; outdir?: string; help?: boolean } = {};
try {
  ({ values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, outdir: { type: "string" }, help: { type: "boolean", short: "h" } } }));
} catch (err) {
  fail(`${(err as Error).message.replace(/\s*\n\s*/g, " ")}\n${USAGE}`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dryRun = values["dry-run"]!;

const config = await readConfig(process.env, root).catch((err) => fail(err instanceof ConfigError ? err.message : String(err)));
if (process.env.AO_BENCH_TOKEN) fail("AO_BENCH_TOKEN is set: it turns on the bench's seeding route, which a deployed node must never have. Unset it.");

const domain = process.env.CUSTOM_DOMAIN || undefined;
if (domain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain)) {
  fail(`CUSTOM_DOMAIN must be a host name such as su.example.org (no scheme, no path); got ${JSON.stringify(domain.slice(0, 80))}`);
}
const dataset = process.env.ANALYTICS_DATASET || undefined;
if (dataset !== undefined && !/^[A-Za-z0-9_]{1,64}$/.test(dataset)) fail(`ANALYTICS_DATASET must be a dataset name of letters, digits and _; got ${JSON.stringify(dataset.slice(0, 80))}`);

const vars = { ...config.bindings };
if (domain && !vars.PUBLIC_URL) vars.PUBLIC_URL = `https://${domain}`;
delete vars.SCHEDULER_KEY; // a secret, never a variable
delete vars.AO_BENCH_TOKEN;
// `npm start` allows private destinations on loopback; deployed, only an explicit setting does.
if (!process.env.REMOTE_PRIVATE) delete vars.REMOTE_PRIVATE;

// What the config says of a local-only setting is about `npm start`: the line below says it instead.
const notes = config.warnings.filter((w) => !LOCAL_ONLY.some((name) => w.startsWith(`${name} `)));
for (const name of LOCAL_ONLY) if (process.env[name]) notes.push(`${name} is set: it applies to \`npm start\` only and is not deployed.`);
if (config.bindings.SCHEDULER_KEY) notes.push("SCHEDULER_KEY is usable; it is not sent by `npm run deploy`: store it once with `npx wrangler secret put SCHEDULER_KEY` (docs/deploy.md).");
else notes.push("No SCHEDULER_KEY here: the deployed node uses the SCHEDULER_KEY secret if one is stored (`npx wrangler secret put SCHEDULER_KEY`), else generates its own key in its NodeObject on first use (docs/deploy.md).");
if (!vars.PUBLIC_URL) notes.push("PUBLIC_URL is not set: the node publishes no location record, so other schedulers cannot find its processes.");
if (vars.REMOTE_PRIVATE === "allow") notes.push("REMOTE_PRIVATE=allow: anyone can have the deployed node send requests to private addresses.");
for (const n of notes) console.warn(`[deploy] note: ${n}`);

// What the deployment adds to wrangler.toml (arrays of tables, so they may follow any table).
const added = (["SIGNER_RATE_LIMIT", "IP_RATE_LIMIT"] as const).flatMap((binding) => {
  const limit = vars[binding === "SIGNER_RATE_LIMIT" ? "RATE_LIMIT_SIGNER" : "RATE_LIMIT_IP"];
  return limit ? [`\n[[ratelimits]]\nname = "${binding}"\nnamespace_id = "${RATE_LIMIT_NAMESPACES[binding]}"\nsimple = { limit = ${Number(limit)}, period = 60 }\n`] : [];
});
if (domain) added.push(`\n[[routes]]\npattern = "${domain}"\ncustom_domain = true\n`);
if (dataset) added.push(`\n[[analytics_engine_datasets]]\nbinding = "ANALYTICS"\ndataset = "${dataset}"\n`);
let configPath = join(root, "wrangler.toml");
if (added.length) {
  configPath = join(root, "wrangler.deploy.toml");
  const header = "# Written by `npm run deploy` (local/deploy.ts) from wrangler.toml: do not edit, it is written again on every deploy.\n";
  writeFileSync(configPath, header + readFileSync(join(root, "wrangler.toml"), "utf8") + added.join(""));
}

const args = ["deploy", "--config", configPath, ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
if (dryRun) args.push("--dry-run", "--outdir", resolve(root, values.outdir ?? join(".wrangler", "deploy")));
console.log(`[deploy] settings checked; ${dryRun ? "building (dry run, nothing is uploaded)" : "deploying"}: wrangler ${args.join(" ")}`);
const env: NodeJS.ProcessEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
delete env.SCHEDULER_KEY; // wrangler has no use for it
const run = spawnSync(join(root, "node_modules", ".bin", "wrangler"), args, { cwd: root, stdio: "inherit", env });
if (run.status !== 0) fail(`wrangler deploy failed (exit ${run.status ?? run.signal})`);
if (!dryRun && vars.PUBLIC_URL) console.log(`[deploy] deployed. The node publishes its location record for ${vars.PUBLIC_URL} on its first request; check it with: curl ${vars.PUBLIC_URL}/~scheduler@1.0/status`);
