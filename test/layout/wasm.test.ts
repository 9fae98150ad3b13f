import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
// @ts-expect-error plain ESM helper shared with scripts/
import { assemble } from "../../scripts/wat.mjs";

test("src/crypto/sha2.wasm is exactly sha2.wat assembled (run `npm run wasm` after editing the text)", async () => {
  const source = new URL("../../src/crypto/sha2.wat", import.meta.url);
  const built: Uint8Array = await assemble(readFileSync(source, "utf8"), "sha2.wat");
  expect(Buffer.from(readFileSync(new URL("../../src/crypto/sha2.wasm", import.meta.url))).equals(Buffer.from(built))).toBe(true);
});
