import { sha384 as nobleSha384 } from "@noble/hashes/sha2.js";
import sha384Module from "#sha384-module";
import { expect, test } from "vitest";
import { hashWith } from "../../../src/crypto/hash.ts";
import { sha384Wasm } from "../../../src/crypto/sha384-wasm.ts";
import { deepHash } from "../../../src/ans104/deep-hash.ts";

const wasm = sha384Wasm(new WebAssembly.Instance(sha384Module));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (n: number, seed = n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

// The input area is 63,488 bytes (the page from 2048): lengths around it take the streamed path.
const LENGTHS = [0, 1, 55, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 1000, 63_470, 63_471, 63_472, 63_487, 63_488, 63_489, 126_976, 200_000];

test("the WebAssembly SHA-384 gives @noble/hashes' digest for every length across block, padding and page boundaries", () => {
  for (const n of LENGTHS) expect(hex(wasm.hash(bytes(n))), `length ${n}`).toBe(hex(nobleSha384(bytes(n))));
  for (let n = 0; n <= 300; n++) expect(hex(wasm.hash(bytes(n))), `length ${n}`).toBe(hex(nobleSha384(bytes(n))));
});

test("hashOf(a, b) is the digest of a then b, wherever the input is cut", () => {
  for (const n of [0, 1, 96, 200, 63_471, 63_488, 130_000]) {
    const whole = bytes(n);
    const want = hex(nobleSha384(whole));
    for (const cut of new Set([0, 1, Math.floor(n / 2), Math.max(0, n - 1), n])) {
      expect(hex(wasm.hashOf(whole.subarray(0, cut), whole.subarray(cut))), `length ${n} cut at ${cut}`).toBe(want);
    }
  }
});

test("a digest is a copy: the next hash does not change one already returned", () => {
  const first = wasm.hash(bytes(10));
  const kept = hex(first);
  wasm.hash(bytes(20));
  expect(hex(first)).toBe(kept);
});

test("deep hashes of nested lists are the same with the WebAssembly SHA-384 as with @noble/hashes", async () => {
  const chunk = [bytes(0), bytes(1), [bytes(47), bytes(129), [bytes(5000)]], bytes(300), []];
  const withNoble = hex(await deepHash(chunk));
  hashWith(wasm);
  try {
    expect(hex(await deepHash(chunk))).toBe(withNoble);
  } finally {
    hashWith(undefined);
  }
});
