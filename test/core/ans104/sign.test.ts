/** Signing and verifying our own items: types 1 and 2 signed here, type 3 built with noble. */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import * as ed25519 from "@noble/ed25519";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { readBundle, writeBundle } from "../../../src/ans104/bundle.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { serializeItem } from "../../../src/ans104/serialize.ts";
import { signatureMessage, signItem } from "../../../src/ans104/sign.ts";
import { decodeTags, encodeTags } from "../../../src/ans104/tags.ts";
import { verifyItem } from "../../../src/ans104/verify.ts";
import { concat, equal, utf8 } from "../../../src/crypto/bytes.ts";
import { addressOf } from "../../../src/crypto/ids.ts";
import { rsaSigner, type RsaJwk } from "../../../src/crypto/signers.ts";
import { clientSigner } from "../../support/keys.ts";

const ed = await clientSigner();

describe("Ed25519 (type 2)", () => {
  test("a small-order public key is refused: with it, R = S·B 'signs' anything", async () => {
    const identity = new Uint8Array(32);
    identity[0] = 1; // the neutral point
    const S = 5n;
    const scalar = Uint8Array.from({ length: 32 }, (_, i) => Number((S >> BigInt(8 * i)) & 0xffn)); // little-endian
    const signature = concat(ed25519.Point.BASE.multiply(S).toBytes(), scalar);
    const fields = { signatureType: 2, owner: identity, tagBytes: encodeTags([{ name: "Type", value: "Message" }]), tagCount: 1, data: utf8("forged") };
    const message = await signatureMessage(fields);
    expect(await ed25519.verifyAsync(signature, message, identity, { zip215: true })).toBe(true); // the forgery is real
    expect(await verifyItem(parseItem(serializeItem({ ...fields, signature })))).toBe("invalid-signature");
  });

  test("sign, parse, verify; tampering fails", async () => {
    const item = await signItem(ed, { anchor: utf8("b".repeat(32)), tags: [{ name: "Action", value: "Eval" }], data: utf8("hello") });
    expect(item.signatureType).toBe(2);
    expect(addressOf(item.owner)).toBe(ed.address);
    expect(await verifyItem(item)).toBe("valid");
    const copy = item.raw.slice();
    copy[copy.length - 1] ^= 1;
    expect(await verifyItem(parseItem(copy))).toBe("invalid-signature");
  });

  test("an all-zero signature is unsigned", async () => {
    const item = await signItem(ed, { tags: [] });
    const zeroed = item.raw.slice();
    zeroed.fill(0, 2, 66);
    expect(await verifyItem(parseItem(zeroed))).toBe("unsigned");
  });

  test("parse ∘ serialize = id, over random items (fast-check, 100 runs)", async () => {
    const tag = fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), value: fc.string({ maxLength: 40 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(tag, { maxLength: 12 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })),
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })),
        async (tags, data, target, anchor) => {
          const item = await signItem(ed, { tags, data, target: target ?? undefined, anchor: anchor ?? undefined });
          const again = parseItem(item.raw);
          expect(again.tags).toEqual(tags);
          expect(decodeTags(encodeTags(tags), tags.length)).toEqual(tags);
          expect(equal(serializeItem({ ...again, tagCount: again.tags.length }), item.raw)).toBe(true);
          expect(await verifyItem(again)).toBe("valid");
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("Arweave RSA-PSS (type 1)", () => {
  test("our RSA-4096 signer signs with salt 32 and verifies", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSA-PSS", modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as RsaJwk;
    const rsa = await rsaSigner(jwk);
    const item = await signItem(rsa, { tags: [{ name: "Type", value: "Message" }], data: utf8("rsa") });
    expect(item.signatureType).toBe(1);
    expect(await verifyItem(item)).toBe("valid");
    // Salt 32 specifically: a verifier fixed at 32 accepts it.
    const ok = await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pair.publicKey, item.signature, await signatureMessage(item));
    expect(ok).toBe(true);
  }, 60_000);

  test("an owner that is not a 4096-bit modulus is an invalid signature, not an error", async () => {
    const fields = { signatureType: 1, tagBytes: encodeTags([{ name: "Type", value: "Message" }]), tagCount: 1, data: utf8("rsa") };
    const owners = { "leading zero byte": new Uint8Array(512).fill(0xff, 1), "2048 bits": new Uint8Array(512).fill(0xab, 256), zero: new Uint8Array(512) };
    for (const [label, owner] of Object.entries(owners)) {
      const item = parseItem(serializeItem({ ...fields, owner, signature: new Uint8Array(512).fill(0x7f) }));
      expect(await verifyItem(item), label).toBe("invalid-signature");
    }
  });
});

describe("Ethereum (type 3)", () => {
  async function ethItem() {
    const secret = new Uint8Array(32).fill(9);
    const owner = secp256k1.getPublicKey(secret, false);
    const fields = { signatureType: 3, owner, tagBytes: encodeTags([{ name: "Type", value: "Message" }]), tagCount: 1, data: utf8("eth") };
    const message = await signatureMessage(fields);
    const hash = keccak_256(concat(utf8(`\x19Ethereum Signed Message:\n${message.length}`), message));
    const rec = secp256k1.sign(hash, secret, { prehash: false, format: "recovered" });
    return { fields, r: rec.subarray(1, 33), s: rec.subarray(33), v: 27 + rec[0] };
  }
  const N = secp256k1.Point.CURVE().n;
  const be32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * (31 - i))) & 0xffn));
  const toBig = (b: Uint8Array) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);

  test("malleated signatures of a valid item do not verify (no new ids without the key)", async () => {
    const { fields, r, s, v } = await ethItem();
    const make = (sig: Uint8Array) => parseItem(serializeItem({ ...fields, signature: sig }));
    expect(await verifyItem(make(concat(r, s, new Uint8Array([v]))))).toBe("valid");
    const flipped = v === 27 ? 28 : 27;
    expect(await verifyItem(make(concat(r, s, new Uint8Array([flipped]))))).toBe("invalid-signature"); // wrong v
    expect(await verifyItem(make(concat(r, s, new Uint8Array([v - 27]))))).toBe("invalid-signature"); // v as 0/1
    expect(await verifyItem(make(concat(r, be32(N - toBig(s)), new Uint8Array([flipped]))))).toBe("invalid-signature"); // high s
  });

  test("an EIP-191 personal_sign over the deep hash verifies; a wrong owner does not", async () => {
    const secret = new Uint8Array(32).fill(9);
    const owner = secp256k1.getPublicKey(secret, false); // 65 bytes, uncompressed
    const fields = { signatureType: 3, owner, tagBytes: encodeTags([{ name: "Type", value: "Message" }]), tagCount: 1, data: utf8("eth") };
    const message = await signatureMessage(fields);
    const hash = keccak_256(concat(utf8(`\x19Ethereum Signed Message:\n${message.length}`), message));
    const rec = secp256k1.sign(hash, secret, { prehash: false, format: "recovered" }); // [recovery, r, s]
    const signature = concat(rec.subarray(1), new Uint8Array([27 + rec[0]]));
    const item = parseItem(serializeItem({ ...fields, signature }));
    expect(await verifyItem(item)).toBe("valid");
    const other = secp256k1.getPublicKey(new Uint8Array(32).fill(10), false);
    expect(await verifyItem(parseItem(serializeItem({ ...fields, owner: other, signature })))).toBe("invalid-signature");
  });
});

describe("bundles", () => {
  test("write then read gives the same items; a wrong header id is refused", async () => {
    const a = await signItem(ed, { tags: [{ name: "n", value: "1" }] });
    const b = await signItem(ed, { tags: [], data: utf8("two") });
    const bundle = writeBundle([a, b]);
    expect(readBundle(bundle).map((i) => i.id)).toEqual([a.id, b.id]);
    const bad = bundle.slice();
    bad[32 + 32] ^= 1; // first header's id
    expect(() => readBundle(bad)).toThrow(/header says/);
    expect(() => readBundle(concat(bundle, new Uint8Array([0])))).toThrow(/after the last item/);
    expect(() => readBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/needs/);
  });
});
