import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { b64url, b64urlJs, fromB64url } from "../../../src/crypto/base64url.ts";
import { fromHex, toHex } from "../../../src/crypto/bytes.ts";
import { idBytes, idProblem, isId } from "../../../src/crypto/ids.ts";

describe("base64url", () => {
  test("RFC 4648 §10 vectors, unpadded and url-safe", () => {
    const rows: [string, string][] = [["", ""], ["f", "Zg"], ["fo", "Zm8"], ["foo", "Zm9v"], ["foob", "Zm9vYg"], ["fooba", "Zm9vYmE"], ["foobar", "Zm9vYmFy"]];
    for (const [plain, encoded] of rows) {
      expect(b64url(new TextEncoder().encode(plain)), plain).toBe(encoded);
      expect(new TextDecoder().decode(fromB64url(encoded)), encoded).toBe(plain);
    }
    expect(b64url(fromHex("fbff"))).toBe("-_8");
  });

  test("round trip (fast-check, 500 runs)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => toHex(fromB64url(b64url(bytes))) === toHex(bytes)), { numRuns: 500 });
  });

  test("b64url (the runtime's native toBase64 where it has one, as workerd does) equals the JavaScript encoder (fast-check, 500 runs)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => b64url(bytes) === b64urlJs(bytes)), { numRuns: 500 });
  });

  test("strict decode refuses what it did not encode; lenient decode takes padding and +/", () => {
    expect(() => fromB64url("Zm9vYg=")).toThrow(/character/);
    expect(() => fromB64url("Zm+v")).toThrow(/character/);
    expect(() => fromB64url("Z")).toThrow(/length/);
    expect(() => fromB64url("Zh")).toThrow(/trailing bits/); // "Zg" is the canonical form of "f"
    expect(toHex(fromB64url("Zm+v/w==", true))).toBe(toHex(fromB64url("Zm-v_w")));
  });

  test("ids are 43 canonical characters", () => {
    expect(isId("A".repeat(43))).toBe(true);
    expect(isId("4QTyVpvWlwjfsYAvkTSIWjp5XVGf-Rg_Co8K1lPNbvo")).toBe(true);
    expect(isId("A".repeat(42))).toBe(false);
    expect(isId("A".repeat(42) + "B")).toBe(false); // non-zero trailing bits
    expect(isId("A".repeat(42) + "=")).toBe(false);
    expect(isId(undefined)).toBe(false);
  });

  test("idProblem says why a text is not an id: its length, a foreign character, or a non-canonical last character", () => {
    expect(idProblem("A".repeat(43))).toBeUndefined();
    expect(idProblem("A".repeat(42))).toBe("42 characters, not 43");
    expect(idProblem("A".repeat(42) + "=")).toBe('"=" is not a base64url character');
    expect(idProblem("W".repeat(43))).toBe('not canonical: its last character "W" sets bits past the 32nd byte');
  });

  test("idBytes decodes exactly the texts isId accepts and names the rest: ids, ids with any last character, and 42 to 44 characters with foreign ones (fast-check, 2,000 runs)", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const id = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64url);
    const anyLast = fc.tuple(id, fc.constantFrom(...alphabet.split(""))).map(([text, last]) => text.slice(0, 42) + last);
    const foreign = fc.string({ unit: fc.constantFrom(...(alphabet + "+/=.").split("")), minLength: 42, maxLength: 44 });
    const texts = fc.oneof(id, anyLast, foreign);
    fc.assert(
      fc.property(texts, (text) => {
        if (isId(text)) return b64url(idBytes(text)) === text;
        expect(() => idBytes(text, "the id")).toThrow(`the id: expected a 43-character base64url id, got ${JSON.stringify(text)}`);
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});
