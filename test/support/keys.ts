/** Fixed test identities, so failures reproduce. */
import { fromHex } from "../../src/crypto/bytes.ts";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";

export const seed = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

export const schedulerSigner = (): Promise<Signer> => ed25519Signer(seed(0x5c));
export const clientSigner = (): Promise<Signer> => ed25519Signer(seed(0x07));

export const SEED_HEX = "5c".repeat(32);
export { fromHex };
