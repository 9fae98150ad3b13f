/** Scheduler key configuration: every accepted form, and errors that never echo the key. */
import { describe, expect, test } from "vitest";
import { b64url } from "../../../src/crypto/base64url.ts";
import { toHex } from "../../../src/crypto/bytes.ts";
import { KeyError, parseKeyMaterial, signerFor } from "../../../src/crypto/keys.ts";
import { ed25519Signer } from "../../../src/crypto/signers.ts";
import { seed } from "../../support/keys.ts";

describe("parseKeyMaterial", () => {
  const s = seed(0x21);
  test("an Ed25519 seed as hex, 0x-hex, base64url, or an OKP JWK gives the same identity", async () => {
    const expected = (await ed25519Signer(s)).address;
    const forms = [toHex(s), `0x${toHex(s).toUpperCase()}`, b64url(s), `  ${b64url(s)}\n`, JSON.stringify({ kty: "OKP", crv: "Ed25519", d: b64url(s), x: "ignored" })];
    for (const form of forms) {
      const key = parseKeyMaterial(form);
      expect(key.kind, form).toBe("ed25519");
      expect((await signerFor(key)).address, form).toBe(expected);
    }
  });

  test("an Arweave RSA JWK is recognised as RSA", () => {
    const key = parseKeyMaterial(JSON.stringify({ kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB" }));
    expect(key.kind).toBe("rsa");
  });

  test("bad keys name the expected forms and never echo the key", () => {
    const secret = "deadbeef".repeat(7);
    for (const bad of [secret, "{not json", JSON.stringify({ kty: "EC", d: secret }), toHex(seed(1)).slice(2) + "zz"]) {
      let message = "";
      try {
        parseKeyMaterial(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bad).toMatch(/^scheduler key: /);
      expect(message).not.toContain(secret);
    }
  });

  test("every unusable key is a KeyError with code bad-key, whether parsing or the signer refuses it", async () => {
    const secret = "deadbeef".repeat(7);
    const failures: [string, () => unknown][] = [
      ["not a key", () => parseKeyMaterial(secret)],
      ["JSON that does not parse", () => parseKeyMaterial("{not json")],
      ["an EC JWK", () => parseKeyMaterial(JSON.stringify({ kty: "EC", d: secret }))],
      ["an OKP JWK whose d is not base64url", () => parseKeyMaterial(JSON.stringify({ kty: "OKP", crv: "Ed25519", d: `${secret}!` }))],
      ["an OKP JWK whose d is not 32 bytes", () => parseKeyMaterial(JSON.stringify({ kty: "OKP", crv: "Ed25519", d: secret.slice(0, 20) }))],
      ["a 43-character seed with non-zero trailing bits", () => parseKeyMaterial(b64url(seed(3)).slice(0, 42) + "B")],
      ["an RSA JWK below 4096 bits", () => signerFor(parseKeyMaterial(JSON.stringify({ kty: "RSA", n: "AQAB", d: secret })))],
      ["an RSA JWK WebCrypto refuses", () => signerFor(parseKeyMaterial(JSON.stringify({ kty: "RSA", n: b64url(new Uint8Array(512).fill(0xc7)), d: `${secret}!!` })))],
    ];
    for (const [label, attempt] of failures) {
      const err = await Promise.resolve().then(attempt).then(() => undefined, (e: unknown) => e);
      expect(err, label).toBeInstanceOf(KeyError);
      expect((err as KeyError).code, label).toBe("bad-key");
      expect((err as KeyError).message, label).toMatch(/^scheduler key: /);
      expect((err as KeyError).message, label).not.toContain(secret);
    }
  });
});
