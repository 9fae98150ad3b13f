/** Scheduler key material from configuration text (SCHEDULER_KEY or the file SCHEDULER_KEY_FILE names). */
import { fromB64url } from "./base64url.ts";
import { verifySignature } from "./verify.ts";
import { fromHex, randomBytes } from "./bytes.ts";
import { ed25519Signer, rsaSigner, type RsaJwk, type Signer } from "./signers.ts";

/**
 * A configured key that cannot be used. `code` tells a host it is the node's configuration at
 * fault, not the request. Messages name what was expected and never echo the key.
 */
export class KeyError extends Error {
  readonly code = "bad-key";

  constructor(detail: string) {
    super(`scheduler key: ${detail}`);
    this.name = "KeyError";
  }
}

/** Serializable key material: an Ed25519 seed, or an RSA private JWK. */
export type KeyMaterial = { kind: "ed25519"; seed: Uint8Array } | { kind: "rsa"; jwk: RsaJwk };

/**
 * Accepts a 32-byte Ed25519 seed as 64 hex digits or 43 base64url characters, an Ed25519 JWK
 * (`kty: OKP`, `d`), or an Arweave RSA JWK (`kty: RSA` with `n` and `d`). Throws a KeyError that
 * says which form was expected.
 */
export function parseKeyMaterial(text: string): KeyMaterial {
  const t = text.trim();
  if (t.startsWith("{")) {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(t);
    } catch {
      throw new KeyError("looks like JSON but does not parse");
    }
    if (jwk.kty === "RSA" && typeof jwk.n === "string" && typeof jwk.d === "string") {
      return { kind: "rsa", jwk: { e: "AQAB", ...(jwk as object) } as RsaJwk };
    }
    if (jwk.kty === "OKP" && jwk.crv === "Ed25519" && typeof jwk.d === "string") {
      return seedOf(base64url(jwk.d, "the Ed25519 JWK's d"));
    }
    throw new KeyError("JWK must be an RSA private key (kty RSA, n, d) or an Ed25519 one (kty OKP, d)");
  }
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(t)) return seedOf(fromHex(t.replace(/^0x/, "")));
  if (/^[A-Za-z0-9_-]{43}=?$/.test(t)) return seedOf(base64url(t, "a 43-character seed"));
  throw new KeyError("expected a 32-byte Ed25519 seed (64 hex digits or 43 base64url characters) or a JWK");
}

function base64url(text: string, what: string): Uint8Array {
  try {
    return fromB64url(text, true);
  } catch (err) {
    throw new KeyError(`${what} is not base64url (${(err as Error).message})`);
  }
}

function seedOf(seed: Uint8Array): KeyMaterial {
  if (seed.length !== 32) throw new KeyError(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  return { kind: "ed25519", seed };
}

export const generateKeyMaterial = (): KeyMaterial => ({ kind: "ed25519", seed: randomBytes(32) });

/**
 * The signer for parsed key material, checked by signing once and verifying what it signed: a key
 * the signer refuses (an RSA key that is not 4096-bit), or one that signs what nobody can verify
 * (RSA parameters that do not belong together), is a KeyError.
 */
export async function signerFor(key: KeyMaterial): Promise<Signer> {
  const rsa = key.kind === "rsa";
  const use = `use ${rsa ? "an Arweave RSA-4096 private JWK (kty RSA, n, e, d, p, q, dp, dq, qi)" : "a 32-byte Ed25519 seed"}`;
  let signer: Signer;
  try {
    signer = await (key.kind === "ed25519" ? ed25519Signer(key.seed) : rsaSigner(key.jwk));
  } catch (err) {
    // Our own guards explain themselves; a WebCrypto refusal is named by its kind, nothing more.
    const e = err as Error;
    const reason = e instanceof RangeError || e instanceof TypeError ? e.message : `${rsa ? "the RSA JWK" : "the Ed25519 seed"} was refused by WebCrypto (${e?.name ?? "error"})`;
    throw new KeyError(`${reason}; ${use}`);
  }
  const probe = new Uint8Array(48);
  const signature = await signer.sign(probe).catch((err: Error) => {
    throw new KeyError(`signing with it fails (${err?.name ?? "error"}); ${use}`);
  });
  if (!(await verifySignature(signer.type, signer.owner, signature, probe))) {
    throw new KeyError(`it signs, but its signatures do not verify against its own public key (parts of the key do not belong together); ${use}`);
  }
  return signer;
}
