/** Scheduler key configuration: every accepted form, and errors that never echo the key. */
import { describe, expect, test } from "vitest";
import { b64url } from "../../../src/crypto/base64url.ts";
import { toHex } from "../../../src/crypto/bytes.ts";
import { parseKeyMaterial, signerFor } from "../../../src/crypto/keys.ts";
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
});
