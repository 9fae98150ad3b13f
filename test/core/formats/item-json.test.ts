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
