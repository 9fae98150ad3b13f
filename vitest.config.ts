import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { generateKeyPairSync } from "node:crypto";
import { defineConfig } from "vitest/config";
// @ts-expect-error plain ESM helper shared with scripts/
import { vectors } from "./scripts/vectors-plugin.mjs";

// Tests read the global index right after writing: publish it quickly (production default is 5 s).
const workerd = (bindings: Record<string, string> = {}) =>
  cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings: { INDEX_DELAY_MS: "100", LOG_LEVEL: "warn", ...bindings } } });

// The other identity and mode: an Arweave RSA-4096 scheduler key in aggressive mode.
const rsaJwk = () => JSON.stringify(generateKeyPairSync("rsa", { modulusLength: 4096 }).privateKey.export({ format: "jwk" }));

// Timeouts are hang guards, never speed checks: generous enough for a two-core machine running
// two suites at once (a test that verifies thousands of RSA signatures took 11 s so, 2 s alone).
const hangGuard = (ms: number) => ({ testTimeout: ms, hookTimeout: ms });

// Where a test gets src/crypto/sha2.wasm compiled: Node compiles it at run time, workerd only bundled.
const sha2Module = (runtime: "node" | "workerd") => ({ resolve: { alias: { "#sha2-module": `./test/support/sha2-module.${runtime}.ts` } } });

const oneAtATime = { sequence: { groupOrder: 1 }, maxWorkers: 1, maxConcurrency: 2 };

export default defineConfig({
  test: {
    projects: [
      // The core runs in Node and in workerd: one suite, two runtimes, proving it platform-neutral.
      { plugins: [vectors()], ...sha2Module("node"), test: { name: "core-node", environment: "node", include: ["test/core/**/*.test.ts", "test/interop/**/*.test.ts", "test/layout/**/*.test.ts"], ...hangGuard(60_000) } },
      { plugins: [vectors(), workerd()], ...sha2Module("workerd"), test: { name: "core-workerd", include: ["test/core/**/*.test.ts"], ...hangGuard(60_000) } },
      { plugins: [vectors(), workerd({ SUBSCRIBERS_PER_PROCESS: "8" })], test: { name: "worker", include: ["test/worker/**/*.test.ts"], ...hangGuard(120_000) } },
      // Settings other than the defaults, each checked against its default in test/worker.
      {
        plugins: [vectors(), workerd({ INDEX_DELAY_MS: "60000", REMOTE_CACHE_ASYNC: "false", SCHEDULER_FOLLOW_HINTS: "false", GROUP_WRITES: "false" })],
        test: { name: "worker-settings", include: ["test/worker-settings/**/*.test.ts"], ...hangGuard(120_000) },
      },
      {
        plugins: [vectors(), workerd({ SCHEDULER_KEY: rsaJwk(), SCHEDULING_MODE: "aggressive", AO_BENCH_TOKEN: "test-token-0123456789abcdef" })],
        test: { name: "worker-rsa-aggressive", include: ["test/worker-rsa-aggressive/**/*.test.ts"], ...hangGuard(120_000) },
      },
      // The dashboard's modules over fake-indexeddb in Node (the same modules run in pages and Web Workers).
      { plugins: [vectors()], test: { name: "web", environment: "node", include: ["test/web/**/*.test.ts"], setupFiles: ["fake-indexeddb/auto"], ...hangGuard(60_000) } },
      // Real nodes and Chromium: after everything else, one file at a time and at most two concurrent
      // tests within a file, whatever the machine's size, so a busy two-core machine runs them steadily.
      {
        plugins: [vectors()],
        test: { name: "browser", environment: "node", include: ["test/browser/**/*.test.ts"], globalSetup: ["test/browser/global-setup.ts"], testTimeout: 180_000, hookTimeout: 180_000, ...oneAtATime },
      },
      { plugins: [vectors()], test: { name: "e2e", environment: "node", include: ["test/e2e/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000, ...oneAtATime } },
    ],
  },
});
