// Runs a TypeScript entry under Node 20 (which cannot strip types): bundles it with esbuild into
// .wrangler/tmp and imports it. Used by the CLI, start and bench scripts, which share the core's code.
// Each process bundles to its own file, so several can start at once from one checkout.
import { build } from "esbuild";
import { mkdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function runTs(entry) {
  const outdir = join(root, ".wrangler", "tmp", "scripts");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${basename(entry, ".ts")}-${process.pid}.mjs`);
  await build({ entryPoints: [resolve(root, entry)], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "error", packages: "external" });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}
