// Vite plugin: `import b64 from "vectors:legacy-su/su-message.bin"` yields the file as base64, read
// in place from the shared vectors folder, so tests in Node and in workerd see the same bytes.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function vectorsDir() {
  const candidates = [process.env.VECTORS_DIR, join(root, "..", "shared", "vectors"), "/work/shared/vectors"].filter(Boolean);
  const found = candidates.find((d) => existsSync(join(d, "legacy-su")));
  if (!found) throw new Error(`AO test vectors not found; set VECTORS_DIR (tried ${candidates.join(", ")})`);
  return found;
}

export function vectors() {
  return {
    name: "ao-vectors",
    enforce: "pre",
    resolveId(id) {
      // The suffix keeps other plugins (JSON, assets) from claiming the id by its extension.
      if (id.startsWith("vectors:")) return "\0" + id + ".b64";
    },
    load(id) {
      if (!id.startsWith("\0vectors:")) return;
      const file = join(vectorsDir(), id.slice("\0vectors:".length, -".b64".length));
      return `export default ${JSON.stringify(readFileSync(file).toString("base64"))};`;
    },
  };
}
