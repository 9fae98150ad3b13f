/** Malformed items, each with the error code it must produce (D8, docs/architecture.md). */
import { describe, expect, test } from "vitest";
import { Ans104Error } from "../../../src/ans104/errors.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { serializeItem } from "../../../src/ans104/serialize.ts";
import { signItem } from "../../../src/ans104/sign.ts";
import { decodeTagBlock, decodeTags, encodeTags, type Tag } from "../../../src/ans104/tags.ts";
import { utf8 } from "../../../src/crypto/bytes.ts";
import { clientSigner } from "../../support/keys.ts";

const signer = await clientSigner();
const good = await signItem(signer, { target: new Uint8Array(32).fill(1), anchor: utf8("a".repeat(32)), tags: [{ name: "Type", value: "Message" }], data: utf8("x") });
// Offsets in a type-2 item with target and anchor.
const TARGET_FLAG = 2 + 64 + 32;
const ANCHOR_FLAG = TARGET_FLAG + 33;
const TAG_HEADER = ANCHOR_FLAG + 33;

function mutate(edit: (b: Uint8Array, view: DataView) => void): Uint8Array {
  const b = good.raw.slice();
  edit(b, new DataView(b.buffer));
  return b;
}

const withTags = (tags: Tag[], tagBytes = encodeTags(tags)) =>
  serializeItem({ signatureType: 2, signature: good.signature, owner: good.owner, tagCount: tags.length, tagBytes, data: new Uint8Array(0) });

const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}`, value: "v" }));

function errorOf(bytes: Uint8Array): Ans104Error {
  try {
    parseItem(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(Ans104Error);
    return err as Ans104Error;
  }
  throw new Error("expected parseItem to fail");
}

describe("malformed items name the problem", () => {
  const rows: [string, Uint8Array, string, string | RegExp][] = [
    ["empty", new Uint8Array(0), "truncated", /signature type/],
    ["one byte", new Uint8Array([2]), "truncated", /signature type/],
    ["unknown signature type", mutate((b) => (b[0] = 99)), "unknown-signature-type", /99/],
    ["cut inside the signature", good.raw.subarray(0, 40), "truncated", /signature/],
    ["cut inside the owner", good.raw.subarray(0, 80), "truncated", /owner/],
    ["target presence byte 2", mutate((b) => (b[TARGET_FLAG] = 2)), "bad-presence-byte", /target presence byte/],
    ["anchor presence byte 7", mutate((b) => (b[ANCHOR_FLAG] = 7)), "bad-presence-byte", /anchor presence byte/],
    ["cut inside the anchor", good.raw.subarray(0, ANCHOR_FLAG + 10), "truncated", /anchor/],
    ["cut inside the tag header", good.raw.subarray(0, TAG_HEADER + 5), "truncated", /tag header/],
    ["tag count says 2, block holds 1", mutate((b) => (b[TAG_HEADER] = 2)), "tag-count-mismatch", /header says 2/],
    ["tag count says 0, block holds 1", mutate((b) => (b[TAG_HEADER] = 0)), "tag-count-mismatch", /more tags than the header/],
    ["tag bytes length beyond the item", mutate((_, v) => v.setUint32(TAG_HEADER + 8, 1000, true)), "truncated", /tags/],
    ["tag count above 2^32", mutate((b) => (b[TAG_HEADER + 5] = 1)), "bad-field", /tag count/],
    ["129 tags", withTags(many(129)), "too-many-tags", /129 tags exceeds the limit of 128/],
    ["4097 bytes of tags", withTags([{ name: "a", value: "v".repeat(3000) }, { name: "b", value: "w".repeat(1090) }]), "tag-bytes-too-long", /exceeds the limit of 4096/],
    ["tag name of 1025 bytes", withTags([{ name: "n".repeat(1025), value: "v" }]), "tag-name-too-long", /1025 bytes exceeds the limit of 1024/],
    ["tag value of 3073 bytes", withTags([{ name: "n", value: "v".repeat(3073) }]), "tag-value-too-long", /3073 bytes exceeds the limit of 3072/],
    ["non-UTF-8 tag value", withTags([{ name: "n", value: "v" }], new Uint8Array([2, 2, 0x6e, 2, 0xff, 0])), "non-utf8-tag", /UTF-8/],
    ["negative tag length", withTags([{ name: "n", value: "v" }], new Uint8Array([2, 1, 0x6e, 2, 0x76, 0])), "bad-tag-encoding", /negative length/],
    ["bytes after the tag block", withTags([{ name: "n", value: "v" }], new Uint8Array([2, 2, 0x6e, 2, 0x76, 0, 0])), "bad-tag-encoding", /after the end/],
    ["tag block cut short", withTags([{ name: "n", value: "v" }], new Uint8Array([2, 2, 0x6e, 2])), "truncated", /tag value/],
  ];

  for (const [label, bytes, code, message] of rows) {
    test(label, () => {
      const err = errorOf(bytes);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(err.incomplete).toBe(code === "truncated");
    });
  }

  test("items over 10 MiB are refused before parsing", () => {
    const err = errorOf(new Uint8Array(10 * 1024 * 1024 + 1));
    expect(err.code).toBe("too-large");
  });

  test("every truncation of a valid item is reported as truncated", () => {
    // Data runs to the end, so cuts inside the data give a valid shorter item; cut before it.
    const dataStart = good.raw.length - good.data.length;
    for (let n = 0; n < dataStart; n++) expect(errorOf(good.raw.subarray(0, n)).code, `cut at ${n}`).toBe("truncated");
  });
});

describe("well-formed tag blocks", () => {
  test("Avro multi-block form (negative count with byte size) decodes", () => {
    // block of -1 items with size 4, then block of 1, then end
    const block = new Uint8Array([1, 8, 2, 0x61, 2, 0x62, 2, 2, 0x63, 2, 0x64, 0]);
    expect(decodeTags(block, 2)).toEqual([{ name: "a", value: "b" }, { name: "c", value: "d" }]);
  });

  test("a block is canonical exactly when encodeTags of its tags gives its bytes back", () => {
    const rows: [string, number[], number][] = [
      ["one tag, shortest varints", [2, 2, 0x61, 2, 0x62, 0], 1],
      ["overlong count (0x82 0x00)", [0x82, 0x00, 2, 0x61, 2, 0x62, 0], 1],
      ["overlong name length", [2, 0x82, 0x00, 0x61, 2, 0x62, 0], 1],
      ["overlong value length", [2, 2, 0x61, 0x82, 0x80, 0x00, 0x62, 0], 1],
      ["sized block form", [1, 8, 2, 0x61, 2, 0x62, 0], 1],
      ["two blocks", [2, 2, 0x61, 2, 0x62, 2, 2, 0x63, 2, 0x64, 0], 2],
      ["empty", [], 0],
    ];
    for (const [label, bytes, count] of rows) {
      const block = new Uint8Array(bytes);
      const { tags, canonical } = decodeTagBlock(block, count);
      const reencoded = encodeTags(tags);
      const same = reencoded.length === block.length && reencoded.every((b, i) => b === block[i]);
      expect(canonical, label).toBe(same);
    }
  });
});
