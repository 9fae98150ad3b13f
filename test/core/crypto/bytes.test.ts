import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { utf8, utf8Length } from "../../../src/crypto/bytes.ts";

describe("utf8Length", () => {
  test("counts what TextEncoder writes: ASCII, 2- and 3-byte characters, surrogate pairs, lone surrogates (as U+FFFD)", () => {
    const rows: [string, number][] = [
      ["", 0],
      ["Process", 7],
      ["é", 2],
      ["€", 3],
      ["😀", 4],
      ["a😀b", 6],
      ["\ud83d", 3], // a lone high surrogate at the end
      ["\ude00x", 4], // a lone low surrogate
      ["\ud83d\ud83d\ude00", 7], // a lone high surrogate, then a pair
    ];
    for (const [text, bytes] of rows) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(bytes);
      expect(utf8(text).length, JSON.stringify(text)).toBe(bytes);
    }
  });

  test("equals utf8(text).length for any string of UTF-16 code units, lone surrogates included (fast-check, 2,000 runs)", () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0x7ff }), fc.integer({ min: 0x800, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }));
    const text = fc.array(unit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));
    fc.assert(fc.property(text, (s) => utf8Length(s) === utf8(s).length), { numRuns: 2000 });
  });
});
