import { sha256 as nobleSha256, sha384 as nobleSha384 } from "@noble/hashes/sha2.js";
import sha2Module from "#sha2-module";
import { expect, test } from "vitest";
import { deepHash } from "../../../src/ans104/deep-hash.ts";
import { hashWith, sha256 } from "../../../src/crypto/hash.ts";
import { sha2Wasm } from "../../../src/crypto/sha2-wasm.ts";
import { chainNext } from "../../../src/schedule/hash-chain.ts";

const wasm = sha2Wasm(new WebAssembly.Instance(sha2Module));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (n: number, seed = n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

// The input area is 63,488 bytes (the page from 2048): lengths around it take the streamed path.
const LENGTHS = [1000, 63_470, 63_471, 63_472, 63_478, 63_479, 63_480, 63_487, 63_488, 63_489, 126_976, 200_000];

test.each([
  ["SHA-384", wasm.sha384, nobleSha384],
  ["SHA-256", wasm.sha256, nobleSha256],
] as const)("the WebAssembly %s gives @noble/hashes' digest for every length across block, padding and page boundaries", (_, ours, theirs) => {
  for (let n = 0; n <= 300; n++) expect(hex(ours(bytes(n))), `length ${n}`).toBe(hex(theirs(bytes(n))));
  for (const n of LENGTHS) expect(hex(ours(bytes(n))), `length ${n}`).toBe(hex(theirs(bytes(n))));
});

test("sha384Of(a, b) is the digest of a then b, wherever the input is cut", () => {
  for (const n of [0, 1, 96, 200, 63_471, 63_488, 130_000]) {
    const whole = bytes(n);
    const want = hex(nobleSha384(whole));
    for (const cut of new Set([0, 1, Math.floor(n / 2), Math.max(0, n - 1), n])) {
      expect(hex(wasm.sha384Of(whole.subarray(0, cut), whole.subarray(cut))), `length ${n} cut at ${cut}`).toBe(want);
    }
  }
});

test("a digest is a copy: the next hash, of either kind, does not change one already returned", () => {
  const first = wasm.sha384(bytes(10));
  const kept = hex(first);
  wasm.sha256(bytes(20));
  wasm.sha384(bytes(30));
  expect(hex(first)).toBe(kept);
});

test("deep hashes of nested lists and hash-chain links are the same with the WebAssembly SHA-2 as with @noble/hashes", async () => {
  const chunk = [bytes(0), bytes(1), [bytes(47), bytes(129), [bytes(5000)]], bytes(300), []];
  const id = "2Bvs8tqVV3qx5fNxBjGpsQ1bF7WoqQnoYnAs1VXJjC0";
  const chain = "x6NXEPkDGBuO5XBxWhArO3kaJXX5xt4EB_dAYQ1KDg4";
  const withNoble = [hex(await deepHash(chunk)), chainNext(id, chain), hex(sha256(bytes(64)))];
  hashWith(wasm);
  try {
    expect([hex(await deepHash(chunk)), chainNext(id, chain), hex(sha256(bytes(64)))]).toEqual(withNoble);
  } finally {
    hashWith(undefined);
  }
});
