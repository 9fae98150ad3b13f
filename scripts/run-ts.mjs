// Runs a TypeScript entry under Node 20 (which cannot strip types): bundles it with esbuild into
// .wrangler/tmp and imports it. Used by the CLI and bench scripts, which share the core's code.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function runTs(entry) {
  const outdir = join(root, ".wrangler", "tmp", "scripts");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, basename(entry).replace(/\.ts$/, ".mjs"));
  await build({ entryPoints: [resolve(root, entry)], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "error", packages: "external" });
  return import(pathToFileURL(outfile).href);
}
