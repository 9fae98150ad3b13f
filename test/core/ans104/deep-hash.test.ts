/** The item-specialised deep hash equals the general one, for every signature type and shape. */
import fc from "fast-check";
import { expect, test } from "vitest";
import { deepHash, itemDeepHash } from "../../../src/ans104/deep-hash.ts";
import { toHex, utf8 } from "../../../src/crypto/bytes.ts";

test("itemDeepHash = deepHash of the 8-field list (fast-check, 300 runs)", async () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(1, 2, 3, 4, 7),
      fc.constantFrom(32, 65, 512).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })),
      fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })),
      bytes(300),
      bytes(40_000), // crosses the size where hashing moves to WebCrypto
      async (signatureType, owner, target, anchor, tagBytes, data) => {
        const f = { signatureType, owner, target: target ?? undefined, anchor: anchor ?? undefined, tagBytes, data };
        const general = await deepHash([utf8("dataitem"), utf8("1"), utf8(String(signatureType)), owner, target ?? new Uint8Array(0), anchor ?? new Uint8Array(0), tagBytes, data]);
        expect(toHex(await itemDeepHash(f))).toBe(toHex(general));
      },
    ),
    { numRuns: 300 },
  );
});

test("the general deep hash of a one-element list, composed from SHA-384 as Arweave defines it", async () => {
  // deepHash(["a"]) = H(H("list1") ‖ H(H("blob1") ‖ H("a")))
  const { sha384 } = await import("@noble/hashes/sha2.js");
  const H = (...parts: Uint8Array[]) => sha384(Uint8Array.from(parts.flatMap((p) => [...p])));
  const expected = H(H(utf8("list1")), H(H(utf8("blob1")), H(utf8("a"))));
  expect(toHex(await deepHash([utf8("a")]))).toBe(toHex(expected));
});

test("every field hashed by WebCrypto (hashNativelyFrom(0)) gives the same deep hashes as hashing in JavaScript", async () => {
  const { hashNativelyFrom } = await import("../../../src/crypto/hash.ts");
  const owner = new Uint8Array(32).fill(0x3c); // not used by any other test: its hash is not cached yet
  const f = { signatureType: 2, owner, target: new Uint8Array(32).fill(1), anchor: undefined, tagBytes: new Uint8Array(90).fill(7), data: new Uint8Array(20_000).fill(9) };
  const fields = [utf8("dataitem"), utf8("1"), utf8("2"), owner, f.target, new Uint8Array(0), f.tagBytes, f.data];
  const js = toHex(await deepHash(fields));
  hashNativelyFrom(0);
  try {
    expect(toHex(await itemDeepHash(f))).toBe(js);
    expect(toHex(await deepHash(fields))).toBe(js);
  } finally {
    hashNativelyFrom(undefined);
  }
});

test("an item deep hash with its long field hashed by WebCrypto and the short ones in JavaScript equals the all-JavaScript one", async () => {
  const { hashNativelyFrom } = await import("../../../src/crypto/hash.ts");
  const owner = new Uint8Array(32).fill(0x3d);
  const f = { signatureType: 2, owner, target: undefined, anchor: new Uint8Array(32).fill(4), tagBytes: new Uint8Array(300).fill(5), data: new Uint8Array(100).fill(6) };
  const fields = [utf8("dataitem"), utf8("1"), utf8("2"), owner, new Uint8Array(0), f.anchor, f.tagBytes, f.data];
  const js = toHex(await deepHash(fields));
  hashNativelyFrom(256); // the tag block is hashed natively, everything else in JavaScript
  try {
    expect(toHex(await itemDeepHash(f))).toBe(js);
  } finally {
    hashNativelyFrom(undefined);
  }
});
