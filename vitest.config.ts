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

export default defineConfig({
  test: {
    projects: [
      // The core runs in Node and in workerd: one suite, two runtimes, proving it platform-neutral.
      { plugins: [vectors()], test: { name: "core-node", environment: "node", include: ["test/core/**/*.test.ts", "test/interop/**/*.test.ts", "test/layout/**/*.test.ts"] } },
      { plugins: [vectors(), workerd()], test: { name: "core-workerd", include: ["test/core/**/*.test.ts"] } },
      { plugins: [vectors(), workerd()], test: { name: "worker", include: ["test/worker/**/*.test.ts"], testTimeout: 30_000 } },
      {
        plugins: [vectors(), workerd({ SCHEDULER_KEY: rsaJwk(), SCHEDULING_MODE: "aggressive", AO_BENCH_TOKEN: "test-token-0123456789abcdef" })],
        test: { name: "worker-rsa-aggressive", include: ["test/worker-rsa-aggressive/**/*.test.ts"], testTimeout: 60_000 },
      },
      // The dashboard's modules over fake-indexeddb in Node (the same modules run in pages and Web Workers).
      { plugins: [vectors()], test: { name: "web", environment: "node", include: ["test/web/**/*.test.ts"], setupFiles: ["fake-indexeddb/auto"] } },
      {
        plugins: [vectors()],
        test: { name: "browser", environment: "node", include: ["test/browser/**/*.test.ts"], globalSetup: ["test/browser/global-setup.ts"], testTimeout: 180_000, hookTimeout: 180_000 },
      },
      { plugins: [vectors()], test: { name: "e2e", environment: "node", include: ["test/e2e/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 180_000 } },
    ],
  },
});
