/** The lossless JSON rendering of an item (docs/json-format.md). */
import fc from "fast-check";
import { expect, test } from "vitest";
import { signItem } from "../../../src/ans104/sign.ts";
import { equal, utf8 } from "../../../src/crypto/bytes.ts";
import { itemFromJson, itemToJson } from "../../../src/formats/item-json.ts";
import { clientSigner } from "../../support/keys.ts";

const signer = await clientSigner();

test("tags become lowercase keys, prototype names included; reserved names stay fields", async () => {
  const item = await signItem(signer, {
    tags: [
      { name: "Constructor", value: "c" },
      { name: "__proto__", value: "p" },
      { name: "Action", value: "first" },
      { name: "action", value: "second" },
      { name: "Data", value: "not the data" },
    ],
    data: utf8("the data"),
  });
  const json = JSON.parse(JSON.stringify(itemToJson(item)));
  expect(json.constructor).toBe("c");
  expect(Object.hasOwn(json, "__proto__")).toBe(true);
  expect(json.action).toBe("first");
  expect(json.data).toBe("the data");
  expect(json.commitments[item.id]["original-tags"]).toHaveLength(5);
});

test("JSON → bytes is exact for any item, through JSON text (fast-check, 100 runs)", async () => {
  const tag = fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), value: fc.string({ maxLength: 20 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(tag, { maxLength: 8 }), fc.uint8Array({ maxLength: 64 }), fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })), async (tags, data, anchor) => {
      const item = await signItem(signer, { tags, data, anchor: anchor ?? undefined });
      const back = itemFromJson(JSON.parse(JSON.stringify(itemToJson(item))));
      expect(equal(back, item.raw)).toBe(true);
    }),
    { numRuns: 100 },
  );
});

test("a non-canonical tag block (Avro multi-block form) is carried as tag-bytes and still rebuilds exactly", async () => {
  const { serializeItem } = await import("../../../src/ans104/serialize.ts");
  const { parseItem } = await import("../../../src/ans104/parse.ts");
  const base = await signItem(signer, { tags: [{ name: "a", value: "b" }, { name: "c", value: "d" }] });
  expect(base.canonicalTags).toBe(true);
  const multiBlock = new Uint8Array([1, 8, 2, 0x61, 2, 0x62, 2, 2, 0x63, 2, 0x64, 0]); // -1 item (4 bytes), then 1 item
  const raw = serializeItem({ ...base, tagBytes: multiBlock, tagCount: 2 });
  const item = parseItem(raw);
  expect(item.canonicalTags).toBe(false);
  expect(item.tags).toEqual(base.tags);
  const json = itemToJson(item);
  expect(json.commitments[item.id]["tag-bytes"]).toBeDefined();
  expect(equal(itemFromJson(JSON.parse(JSON.stringify(json))), raw)).toBe(true);
  expect(itemToJson(base).commitments[base.id]["tag-bytes"]).toBeUndefined();
});
