/**
 * Signers for the scheduler's own items: Ed25519 (type 2, the default identity) and Arweave
 * RSA-PSS (type 1, salt 32 like WebCrypto-based signers). WebCrypto signs where the runtime has it;
 * @noble/ed25519 covers runtimes without native Ed25519.
 */
import * as ed from "@noble/ed25519";
import { b64url, fromB64url } from "./base64url.ts";
import { abytes } from "./bytes.ts";
import { addressOf } from "./ids.ts";
import { ARWEAVE, ED25519 } from "./signature-types.ts";

export interface Signer {
  /** ANS-104 signature type. */
  readonly type: number;
  /** Public key bytes as they go in an item's owner field. */
  readonly owner: Uint8Array;
  /** base64url(SHA-256(owner)). */
  readonly address: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface RsaJwk {
  kty: "RSA";
  n: string;
  e: string;
  d: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}

/** An Ed25519 signer from a 32-byte seed. */
export async function ed25519Signer(seed: Uint8Array): Promise<Signer> {
  abytes(seed, 32, "ed25519 seed");
  const owner = await ed.getPublicKeyAsync(seed);
  let sign: (m: Uint8Array) => Promise<Uint8Array>;
  try {
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "OKP", crv: "Ed25519", d: b64url(seed), x: b64url(owner) },
      { name: "Ed25519" },
      false,
      ["sign"],
    );
    sign = async (m) => new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, m as Uint8Array<ArrayBuffer>));
  } catch {
    sign = (m) => ed.signAsync(m, seed);
  }
  return { type: ED25519, owner, address: addressOf(owner), sign: checked(sign, 64) };
}

/** An Arweave RSA-PSS/SHA-256 signer from a private JWK; signs with salt 32, as browser signers (aoconnect) do. */
export async function rsaSigner(jwk: RsaJwk): Promise<Signer> {
  const owner = fromB64url(jwk.n);
  if (owner.length !== 512) throw new RangeError(`RSA key: expected a 4096-bit modulus (512 bytes), got ${owner.length} bytes`);
  const key = await crypto.subtle.importKey("jwk", { ...jwk, kty: "RSA" }, { name: "RSA-PSS", hash: "SHA-256" }, false, ["sign"]);
  const sign = async (m: Uint8Array) =>
    new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, key, m as Uint8Array<ArrayBuffer>));
  return { type: ARWEAVE, owner, address: addressOf(owner), sign: checked(sign, 512) };
}

// A plug-in that returns the wrong length would produce an unparseable item; fail loudly instead.
function checked(sign: (m: Uint8Array) => Promise<Uint8Array>, length: number) {
  return async (m: Uint8Array) => abytes(await sign(m), length, "signature");
}
