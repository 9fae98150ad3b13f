// Vite plugin: `import b64 from "vectors:legacy-su/su-message.bin"` yields the file as base64, read
// from test/vectors (provenance in test/vectors/README.md), so tests in Node and in workerd see the
// same bytes.
import { readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const VECTORS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "test", "vectors");

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
      const file = join(VECTORS, id.slice("\0vectors:".length, -".b64".length));
      if (!file.startsWith(VECTORS + sep)) throw new Error(`${id.slice(1, -4)}: not a file under test/vectors`);
      return `export default ${JSON.stringify(readFileSync(file).toString("base64"))};`;
    },
  };
}
