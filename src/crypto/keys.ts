/** Scheduler key material from configuration text (SCHEDULER_KEY or the file SCHEDULER_KEY_FILE names). */
import { fromB64url } from "./base64url.ts";
import { fromHex, randomBytes } from "./bytes.ts";
import { ed25519Signer, rsaSigner, type RsaJwk, type Signer } from "./signers.ts";

/** Serializable key material: an Ed25519 seed, or an RSA private JWK. */
export type KeyMaterial = { kind: "ed25519"; seed: Uint8Array } | { kind: "rsa"; jwk: RsaJwk };

/**
 * Accepts a 32-byte Ed25519 seed as 64 hex digits or 43 base64url characters, an Ed25519 JWK
 * (`kty: OKP`, `d`), or an Arweave RSA JWK (`kty: RSA` with `n` and `d`). Throws a message that
 * says which form was expected; never echoes the key.
 */
export function parseKeyMaterial(text: string): KeyMaterial {
  const t = text.trim();
  if (t.startsWith("{")) {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(t);
    } catch {
      throw new TypeError("scheduler key: looks like JSON but does not parse");
    }
    if (jwk.kty === "RSA" && typeof jwk.n === "string" && typeof jwk.d === "string") {
      return { kind: "rsa", jwk: { e: "AQAB", ...(jwk as object) } as RsaJwk };
    }
    if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && typeof jwk.d === "string") {
      return seedOf(fromB64url(jwk.d as string, true));
    }
    throw new TypeError("scheduler key: JWK must be an RSA private key (kty RSA, n, d) or an Ed25519 one (kty OKP, d)");
  }
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(t)) return seedOf(fromHex(t.replace(/^0x/, "")));
  if (/^[A-Za-z0-9_-]{43}=?$/.test(t)) return seedOf(fromB64url(t, true));
  throw new TypeError("scheduler key: expected a 32-byte Ed25519 seed (64 hex digits or 43 base64url characters) or a JWK");
}

function seedOf(seed: Uint8Array): KeyMaterial {
  if (seed.length !== 32) throw new RangeError(`scheduler key: Ed25519 seed must be 32 bytes, got ${seed.length}`);
  return { kind: "ed25519", seed };
}

export const generateKeyMaterial = (): KeyMaterial => ({ kind: "ed25519", seed: randomBytes(32) });

export const signerFor = (key: KeyMaterial): Promise<Signer> =>
  key.kind === "ed25519" ? ed25519Signer(key.seed) : rsaSigner(key.jwk);
