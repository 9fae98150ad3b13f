/**
 * Signature verification per ANS-104 type, over the 48-byte deep hash of an item.
 * WebCrypto does RSA-PSS and Ed25519 where the runtime has them; Ethereum goes through
 * @noble/curves (secp256k1) and @noble/hashes (keccak), which no runtime ships natively.
 */
import * as ed from "@noble/ed25519";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { b64url } from "./base64url.ts";
import { BoundedCache } from "./bounded-cache.ts";
import { BytesCache } from "./recent-keys.ts";
import { concat, utf8 } from "./bytes.ts";
import { ARWEAVE, ED25519, ETHEREUM } from "./signature-types.ts";

/** RSA-PSS salt lengths seen in the field: WebCrypto signers such as aoconnect (32), none (0), and the maximum for 4096 bits (478: the legacy SU, and Node signers such as arbundles on OpenSSL defaults). */
const RSA_SALTS = [32, 0, 478] as const;

// Imported RSA keys are costly to rebuild; clients tend to sign many items with one wallet.
const rsaKeys = new BoundedCache<Promise<CryptoKey>>(256);

function rsaKey(owner: Uint8Array): Promise<CryptoKey> {
  const n = b64url(owner);
  return rsaKeys.get(n, () => crypto.subtle.importKey("jwk", { kty: "RSA", e: "AQAB", n }, { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]));
}

async function verifyRsa(owner: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  let key: CryptoKey;
  try {
    key = await rsaKey(owner);
  } catch {
    return false; // not a usable RSA modulus
  }
  for (const saltLength of RSA_SALTS) {
    if (await rsaVerify(key, saltLength, signature, message)) return true;
  }
  return false;
}

// Some runtimes (Node) import a modulus below 4096 bits, then throw when verifying with it: a
// signature that cannot be checked does not verify.
async function rsaVerify(key: CryptoKey, saltLength: number, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    return await crypto.subtle.verify({ name: "RSA-PSS", saltLength }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

let nativeEd25519: boolean | undefined;

// A small-order public key (the identity, or a point of order 2, 4 or 8) makes R = S·B a valid
// signature on anything: such an item is unsigned in effect.
function acceptableEd25519Owner(owner: Uint8Array): boolean {
  try {
    return !ed.Point.fromBytes(owner, false).isSmallOrder();
  } catch {
    return false; // not a point, or a non-canonical encoding
  }
}

// What is known of a key, checked once: acceptable or not, and (when the runtime has native
// Ed25519) the imported key, which costs about as much as a verification to import.
type Ed25519Owner = { acceptable: boolean; key?: Promise<CryptoKey> };
const ed25519Owners = new BytesCache<Ed25519Owner>(1024);
const ed25519Owner = (owner: Uint8Array): Ed25519Owner => ed25519Owners.get(0, owner, undefined, () => ({ acceptable: acceptableEd25519Owner(owner) }));

async function verifyEd25519(owner: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const known = ed25519Owner(owner);
  if (!known.acceptable) return false;
  if (nativeEd25519 !== false) {
    try {
      known.key ??= crypto.subtle.importKey("raw", owner as Uint8Array<ArrayBuffer>, { name: "Ed25519" }, false, ["verify"]);
      const key = await known.key;
      const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
      nativeEd25519 = true;
      return ok;
    } catch (err) {
      // A runtime without Ed25519 throws NotSupportedError; a bad point is just a failed check.
      if ((err as Error)?.name !== "NotSupportedError" || nativeEd25519) return false;
      nativeEd25519 = false;
    }
  }
  try {
    return await ed.verifyAsync(signature, message, owner, { zip215: false }); // strict, like WebCrypto
  } catch {
    return false;
  }
}

/**
 * Ethereum personal_sign (EIP-191) over the deep hash, as arbundles' EthereumSigner makes it.
 * Canonical only: low S, and v (27 or 28) must recover the owner. Otherwise anyone could rewrite
 * a signature (s → n−s, or flip v) into another valid one, i.e. a new item id for the same content.
 */
function verifyEthereum(owner: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  const prefix = utf8(`\x19Ethereum Signed Message:\n${message.length}`);
  const hash = keccak_256(concat(prefix, message));
  const v = signature[64];
  if (v !== 27 && v !== 28) return false;
  try {
    const rs = signature.subarray(0, 64);
    if (!secp256k1.verify(rs, hash, owner, { prehash: false, lowS: true })) return false;
    const recovered = secp256k1.recoverPublicKey(concat(new Uint8Array([v - 27]), rs), hash, { prehash: false });
    return secp256k1.Point.fromBytes(recovered).equals(secp256k1.Point.fromBytes(owner));
  } catch {
    return false;
  }
}

/** Verifies `signature` by `owner` over `message` for ANS-104 signature `type`; false for unknown types. */
export async function verifySignature(type: number, owner: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  switch (type) {
    case ARWEAVE:
      return verifyRsa(owner, signature, message);
    case ED25519:
      return verifyEd25519(owner, signature, message);
    case ETHEREUM:
      return verifyEthereum(owner, signature, message);
    default:
      return false;
  }
}
