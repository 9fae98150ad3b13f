/**
 * Cross-checks our ANS-104 code against an independent implementation, @dha-team/arbundles:
 * items and bundles made by either side must parse, verify and keep their ids on the other.
 */
import { Buffer } from "node:buffer";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArweaveSigner,
  Bundle,
  Curve25519,
  DataItem as ArDataItem,
  EthereumSigner,
  bundleAndSignData,
  createData,
} from "@dha-team/arbundles";
import { readBundle, writeBundle } from "../../src/ans104/bundle.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { signItem } from "../../src/ans104/sign.ts";
import type { Tag } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import { ed25519Signer, rsaSigner, type RsaJwk, type Signer } from "../../src/crypto/signers.ts";

type NodeBuffer = Parameters<typeof ArDataItem.verify>[0];

// Encodings done by Node, not by our src/crypto, so both sides of a comparison are independent.
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");
const fromB64u = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64url"));
const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(bytes).digest());

/** The Ed25519 public key of a 32-byte seed, derived by Node (PKCS#8 wrapping of the seed). */
function nodeEd25519Public(seed: Uint8Array): Uint8Array {
  const pkcs8 = new Uint8Array([...Buffer.from("302e020100300506032b657004220420", "hex"), ...seed]);
  const { x } = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ format: "jwk" });
  if (!x) throw new Error("node did not export the Ed25519 public key");
  return fromB64u(x);
}

/** arbundles' Ed25519 (signature type 2) signer: its Curve25519 key class with a seed and public key. */
class ArEd25519Signer extends Curve25519 {
  readonly #seed: Uint8Array;
  readonly #pub: NodeBuffer;
  constructor(seed: Uint8Array, pub: Uint8Array) {
    super("", "");
    this.#seed = seed;
    this.#pub = Buffer.from(pub);
  }
  override get key(): Uint8Array {
    return this.#seed;
  }
  override get publicKey(): NodeBuffer {
    return this.#pub;
  }
}

type ArSigner = Parameters<typeof createData>[1];

interface Content {
  label: string;
  tags: Tag[];
  target?: Uint8Array;
  anchor?: string;
  data: Uint8Array;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const CONTENTS: Content[] = [
  {
    label: "tags, target, anchor and binary data",
    tags: [
      { name: "Data-Protocol", value: "ao" },
      { name: "Type", value: "Message" },
      { name: "Action", value: "Transfer" },
      { name: "Note", value: "héllo, wörld ✓ 𝄞" },
      { name: "Empty", value: "" },
    ],
    target: sha256(utf8("some process")),
    anchor: "0123456789abcdefghijklmnopqrstuv",
    data: new Uint8Array([0, 255, 1, 254, 128, 0x7f, 0xc3, 0x28, 42]),
  },
  { label: "no tags, target, anchor or data", tags: [], data: new Uint8Array(0) },
  { label: "text data and a tag with a long value", tags: [{ name: "Long", value: "x".repeat(3000) }], data: utf8("print('hi')") },
];

const arOptions = (c: Content) => ({
  tags: c.tags,
  ...(c.target ? { target: b64u(c.target) } : {}),
  ...(c.anchor ? { anchor: c.anchor } : {}),
});

const ourContent = (c: Content) => ({
  tags: c.tags,
  data: c.data,
  ...(c.target ? { target: c.target } : {}),
  ...(c.anchor ? { anchor: utf8(c.anchor) } : {}),
});

/** Signs with arbundles and returns its item and the raw bytes as a plain Uint8Array copy. */
async function arSign(signer: ArSigner, c: Content): Promise<{ item: ArDataItem; raw: Uint8Array }> {
  const item = createData(c.data, signer, arOptions(c));
  await item.sign(signer);
  return { item, raw: new Uint8Array(item.getRaw()) };
}

/** A copy of `raw` with one byte changed. */
function tampered(raw: Uint8Array, offset: number): Uint8Array {
  const copy = raw.slice();
  copy[offset] ^= 0x01;
  return copy;
}

/**
 * A byte to flip so the signature must no longer verify: the last data byte, else the first byte of
 * the signature's second half (for Ed25519 the low byte of S, so the signature stays well-formed:
 * arbundles' verifier throws, rather than returning false, on an R that is not a curve point).
 */
const tamperOffset = (item: DataItem): number => (item.data.length > 0 ? item.raw.length - 1 : 2 + item.signature.length / 2);

/** Offset in `raw` of the first occurrence of `needle`. */
function offsetOf(raw: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= raw.length; i++) {
    if (needle.every((b, j) => raw[i + j] === b)) return i;
  }
  throw new Error(`${hex(needle)} not found`);
}

/** Checks that our parse of an arbundles item agrees field by field with what arbundles was told. */
function expectOurFields(ours: DataItem, ar: ArDataItem, c: Content, type: number): void {
  expect(ours.signatureType).toBe(type);
  expect(ours.id).toBe(ar.id);
  expect(ours.id).toBe(b64u(sha256(ours.signature)));
  expect(b64u(ours.owner)).toBe(ar.owner);
  expect(ours.tags).toEqual(c.tags);
  expect(ours.target === undefined ? undefined : hex(ours.target)).toBe(c.target === undefined ? undefined : hex(c.target));
  expect(ours.anchor === undefined ? undefined : hex(ours.anchor)).toBe(c.anchor === undefined ? undefined : hex(utf8(c.anchor)));
  expect(hex(ours.data)).toBe(hex(c.data));
}

/** Checks that arbundles reads an item we signed as the content we signed. */
function expectArFields(ar: ArDataItem, ours: DataItem, c: Content, type: number): void {
  expect(ar.signatureType).toBe(type);
  expect(ar.id).toBe(ours.id);
  expect(ar.owner).toBe(b64u(ours.owner));
  expect(ar.tags).toEqual(c.tags);
  expect(ar.target).toBe(c.target ? b64u(c.target) : "");
  expect(hex(new Uint8Array(ar.rawAnchor))).toBe(c.anchor ? hex(utf8(c.anchor)) : "");
  expect(hex(new Uint8Array(ar.rawData))).toBe(hex(c.data));
}

/** The two directions for one signature type, over every content shape. */
function crossCheck(type: number, signers: () => { ar: ArSigner; ours: Signer }): void {
  for (const c of CONTENTS) {
    it(`arbundles-signed item (${c.label}) parses and verifies with ours, same id`, async () => {
      const { item, raw } = await arSign(signers().ar, c);
      expect(await ArDataItem.verify(Buffer.from(raw))).toBe(true);
      const ours = parseItem(raw);
      expectOurFields(ours, item, c, type);
      expect(await verifyItem(ours)).toBe("valid");
      expect(await verifyItem(parseItem(tampered(raw, tamperOffset(ours))))).toBe("invalid-signature");
    });

    it(`item signed by our signItem (${c.label}) verifies and parses with arbundles`, async () => {
      const ours = await signItem(signers().ours, ourContent(c));
      expect(await verifyItem(ours)).toBe("valid");
      expect(await ArDataItem.verify(Buffer.from(ours.raw))).toBe(true);
      expectArFields(new ArDataItem(Buffer.from(ours.raw)), ours, c, type);
      expect(await ArDataItem.verify(Buffer.from(tampered(ours.raw, tamperOffset(ours))))).toBe(false);
    });
  }
}

const ED_SEED = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
let edAr: ArEd25519Signer;
let edOurs: Signer;
let rsaAr: ArweaveSigner;
let rsaOurs: Signer;
const ethAr = new EthereumSigner("0x" + "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

beforeAll(async () => {
  edAr = new ArEd25519Signer(ED_SEED, nodeEd25519Public(ED_SEED));
  edOurs = await ed25519Signer(ED_SEED);
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-PSS", modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const field = (name: "n" | "e" | "d" | "p" | "q" | "dp" | "dq" | "qi"): string => {
    const v = jwk[name];
    if (typeof v !== "string") throw new Error(`generated JWK has no ${name}`);
    return v;
  };
  const rsaJwk: RsaJwk = { kty: "RSA", n: field("n"), e: field("e"), d: field("d"), p: field("p"), q: field("q"), dp: field("dp"), dq: field("dq"), qi: field("qi") };
  rsaAr = new ArweaveSigner(rsaJwk);
  rsaOurs = await rsaSigner(rsaJwk);
}, 60_000);

describe("type 2 (Ed25519)", () => {
  it("both libraries derive the same key and signature type", () => {
    expect(edAr.signatureType).toBe(2);
    expect(edOurs.type).toBe(2);
    expect(hex(edOurs.owner)).toBe(hex(edAr.publicKey));
    expect(edOurs.address).toBe(b64u(sha256(edAr.publicKey)));
  });

  crossCheck(2, () => ({ ar: edAr, ours: edOurs }));
});

describe("type 1 (Arweave RSA-PSS 4096)", () => {
  it("both libraries use the same owner (the modulus)", () => {
    expect(rsaAr.signatureType).toBe(1);
    expect(rsaOurs.type).toBe(1);
    expect(rsaOurs.owner.length).toBe(512);
    expect(hex(rsaOurs.owner)).toBe(hex(new Uint8Array(rsaAr.publicKey)));
  });

  crossCheck(1, () => ({ ar: rsaAr, ours: rsaOurs }));
});

describe("type 3 (Ethereum)", () => {
  it("an arbundles EthereumSigner item verifies with ours; tampered copies do not", async () => {
    const c = CONTENTS[0];
    const { item, raw } = await arSign(ethAr, c);
    expect(await ArDataItem.verify(Buffer.from(raw))).toBe(true);
    const ours = parseItem(raw);
    expectOurFields(ours, item, c, 3);
    expect(ours.owner.length).toBe(65);
    expect(ours.owner[0]).toBe(0x04); // uncompressed secp256k1 point
    expect(await verifyItem(ours)).toBe("valid");

    // The last data byte, a character of a tag value (stays ASCII: "Transfer" → "Tsansfer"), and the signature's r.
    const tagByte = offsetOf(raw, utf8("Transfer")) + 1;
    for (const offset of [raw.length - 1, tagByte, 2 + 5]) {
      const bad = parseItem(tampered(raw, offset));
      expect(await verifyItem(bad), `flipped byte ${offset}`).toBe("invalid-signature");
      expect(await ArDataItem.verify(Buffer.from(bad.raw)), `arbundles, flipped byte ${offset}`).toBe(false);
    }
  });

  it("an item without tags, target or anchor also verifies with ours", async () => {
    const { item, raw } = await arSign(ethAr, CONTENTS[1]);
    const ours = parseItem(raw);
    expectOurFields(ours, item, CONTENTS[1], 3);
    expect(await verifyItem(ours)).toBe("valid");
  });
});

describe("bundles", () => {
  async function mixedItems(): Promise<{ id: string; raw: Uint8Array }[]> {
    const ar = await Promise.all([arSign(edAr, CONTENTS[0]), arSign(rsaAr, CONTENTS[1]), arSign(ethAr, CONTENTS[2])]);
    const ours = await Promise.all([signItem(edOurs, ourContent(CONTENTS[2])), signItem(rsaOurs, ourContent(CONTENTS[0]))]);
    return [
      { id: ar[0].item.id, raw: ar[0].raw },
      { id: ours[0].id, raw: ours[0].raw },
      { id: ar[1].item.id, raw: ar[1].raw },
      { id: ours[1].id, raw: ours[1].raw },
      { id: ar[2].item.id, raw: ar[2].raw },
    ];
  }

  it("a bundle from our writeBundle is read by arbundles' Bundle: same ids, every item valid", async () => {
    const items = await mixedItems();
    const bundle = new Bundle(Buffer.from(writeBundle(items)));
    expect(bundle.length).toBe(items.length);
    expect(bundle.getIds()).toEqual(items.map((i) => i.id));
    expect(bundle.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
    for (const [n, item] of bundle.items.entries()) {
      expect(hex(new Uint8Array(item.getRaw())), `item ${n} bytes`).toBe(hex(items[n].raw));
      expect(await item.isValid(), `item ${n} valid`).toBe(true);
    }
    expect(bundle.get(3).id).toBe(items[3].id);
    expect(bundle.getIdBy(3)).toBe(items[3].id);
    expect(await bundle.verify()).toBe(true);
  });

  it("arbundles' Bundle notices an item we bundled after tampering", async () => {
    const items = await mixedItems();
    const bad = items.map((i, n) => (n === 1 ? { id: i.id, raw: tampered(i.raw, i.raw.length - 1) } : i));
    const bundle = new Bundle(Buffer.from(writeBundle(bad)));
    expect(bundle.getIds()).toEqual(items.map((i) => i.id));
    expect(await bundle.items[1].isValid()).toBe(false);
    expect(await bundle.verify()).toBe(false);
  });

  it("an empty bundle from writeBundle is an empty arbundles Bundle", () => {
    const bundle = new Bundle(Buffer.from(writeBundle([])));
    expect(bundle.length).toBe(0);
    expect(bundle.items).toEqual([]);
  });

  it("a bundle from arbundles' bundleAndSignData (items already signed) is read by our readBundle", async () => {
    const signed = await Promise.all([arSign(edAr, CONTENTS[0]), arSign(ethAr, CONTENTS[1]), arSign(rsaAr, CONTENTS[2]), arSign(edAr, CONTENTS[2])]);
    const ids = signed.map((s) => s.item.id);
    // The signer only signs items that are not signed yet; here it must sign nothing.
    const bundle = await bundleAndSignData(signed.map((s) => s.item), edAr);
    const bytes = new Uint8Array(bundle.getRaw());
    const ours = readBundle(bytes);
    expect(ours.map((i) => i.id)).toEqual(ids);
    for (const [n, item] of ours.entries()) {
      expect(hex(item.raw), `item ${n} bytes`).toBe(hex(signed[n].raw));
      expect(await verifyItem(item), `item ${n}`).toBe("valid");
    }
    // Byte for byte what our writer makes of the same items.
    expect(hex(bytes)).toBe(hex(writeBundle(signed.map((s) => ({ id: s.item.id, raw: s.raw })))));
  });
});
