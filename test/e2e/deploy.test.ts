/**
 * `npm run deploy -- --dry-run` (scripts/deploy.mjs → local/deploy.ts) with no Cloudflare account
 * and no network: the settings are checked as `npm start` checks them, the Worker and the
 * dashboard are built as `wrangler deploy` would upload them, with the settings as variables and,
 * for the rate limits set, Cloudflare's rate-limiting bindings; a setting that cannot work stops
 * it before wrangler runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ROOT } from "./server.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const ALLOWED = "bZpuYGKJL8_jX4K3AEZORq-onzkjcKcYFl0MCL438WM";

/** The command as an operator runs it: only the variables given, no Cloudflare credentials. */
async function deploy(settings: Record<string, string>) {
  const outdir = await mkdtemp(join(tmpdir(), "ao-deploy-"));
  dirs.push(outdir);
  const run = spawnSync(process.execPath, ["scripts/deploy.mjs", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", ...settings },
    encoding: "utf8",
    timeout: 240_000,
  });
  return { ...run, outdir, output: run.stdout + run.stderr };
}

describe("npm run deploy -- --dry-run", () => {
  test("checks the settings, builds the Worker with them as variables and the rate limits as Cloudflare bindings, and exits 0", async () => {
    const run = await deploy({
      GATEWAY_URL: "https://arweave.net",
      PUBLIC_URL: "https://su.example.org",
      UPLOAD_URL: "https://upload.ardrive.io",
      SPAWN_ALLOW: ALLOWED,
      RATE_LIMIT_SIGNER: "120",
      RATE_LIMIT_IP: "600",
      CUSTOM_DOMAIN: "su.example.org",
      ANALYTICS_DATASET: "ao_scheduler",
      PORT: "9999",
    });
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(run.outdir, "index.js"))).toBe(true);
    for (const v of ["GATEWAY_URL:https://arweave.net", "PUBLIC_URL:https://su.example.org", "UPLOAD_URL:https://upload.ardrive.io", `SPAWN_ALLOW:${ALLOWED}`, "RATE_LIMIT_SIGNER:120"]) {
      expect(run.output).toContain(`--var ${v}`);
    }
    expect(run.output).not.toContain("REMOTE_PRIVATE"); // deployed, private destinations stay denied
    expect(run.output).not.toContain("--var PORT");
    expect(run.output).toContain("PORT is set: it applies to `npm start` only");
    expect(run.output).toMatch(/env\.SIGNER_RATE_LIMIT \(120 requests\/60s\)\s+Rate Limit/);
    expect(run.output).toMatch(/env\.IP_RATE_LIMIT \(600 requests\/60s\)\s+Rate Limit/);
    expect(run.output).toContain("--dry-run: exiting now.");
    const generated = readFileSync(join(ROOT, "wrangler.deploy.toml"), "utf8");
    expect(generated).toContain(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
    expect(generated).toMatch(/\[\[ratelimits\]\]\nname = "SIGNER_RATE_LIMIT"\nnamespace_id = "14001"\nsimple = \{ limit = 120, period = 60 \}/);
    expect(generated).toContain('[[routes]]\npattern = "su.example.org"\ncustom_domain = true');
    expect(run.output).toMatch(/env\.ANALYTICS \(ao_scheduler\)\s+Analytics Engine Dataset/);
  }, 300_000);

  test("CUSTOM_DOMAIN is the default PUBLIC_URL", async () => {
    const run = await deploy({ CUSTOM_DOMAIN: "su.example.org" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("--var PUBLIC_URL:https://su.example.org");
  }, 300_000);

  test("a setting that cannot work stops it with exit 2 naming the setting, before anything is built", async () => {
    const run = await deploy({ GATEWAY_URL: "arweave.net" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("GATEWAY_URL must be an http(s) URL");
    expect(run.output).not.toContain("wrangler deploy");
    expect(existsSync(join(run.outdir, "index.js"))).toBe(false);
  }, 300_000);

  test("the bench's AO_BENCH_TOKEN is refused: a deployed node never has the seeding route", async () => {
    const run = await deploy({ AO_BENCH_TOKEN: "bench-token-0123456789abcdef" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("AO_BENCH_TOKEN is set");
  }, 300_000);
});
