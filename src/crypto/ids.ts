/** AO ids and addresses: 43-character unpadded base64url of 32 bytes. */
import { b64url, fromB64url } from "./base64url.ts";
import { BytesCache } from "./recent-keys.ts";
import { sha256 } from "./hash.ts";

const ID_SHAPE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** True for a canonical 43-character id (the last character carries two zero bits). */
export const isId = (text: unknown): boolean => typeof text === "string" && ID_SHAPE.test(text);

/** Why `text` is not a canonical id, in a few words; undefined when it is one. */
export function idProblem(text: string): string | undefined {
  if (isId(text)) return undefined;
  if (text.length !== 43) return `${text.length} characters, not 43`;
  const bad = /[^A-Za-z0-9_-]/.exec(text);
  if (bad) return `${JSON.stringify(bad[0])} is not a base64url character`;
  return `not canonical: its last character ${JSON.stringify(text[42])} sets bits past the 32nd byte`;
}

/** The id of a signed item: SHA-256 of its raw signature. */
export const idOfSignature = (signature: Uint8Array): string => b64url(sha256(signature));

/** An owner's address: SHA-256 of the public key bytes, for every signature type. */
export const addressOf = (owner: Uint8Array): string => b64url(sha256(owner));

// Schedules repeat a few keys (the scheduler's, its clients'): reading one, an address is hashed once a key.
const addresses = new BytesCache<string>(1024);
/** addressOf, remembered per key. */
export const addressOfKey = (owner: Uint8Array): string => addresses.get(0, owner, undefined, () => addressOf(owner));

/** Raw 32 bytes of an id; throws TypeError naming `title` for anything else. */
export function idBytes(id: string, title = "id"): Uint8Array {
  // Strict decoding refuses what isId refuses (characters, and bits set past the 32nd byte): one pass, no pattern.
  if (typeof id === "string" && id.length === 43) {
    try {
      return fromB64url(id);
    } catch {}
  }
  throw new TypeError(`${title}: expected a 43-character base64url id, got ${JSON.stringify(String(id).slice(0, 60))}`);
}
