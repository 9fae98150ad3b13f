/** Assignments altered after signing, as a tampering server or file would: the signature no longer holds. */
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { encodeTags } from "../../src/ans104/tags.ts";

/** The same item with one tag's value replaced (`by` maps the old value to the new). */
export function withTag(raw: Uint8Array, name: string, by: (value: string) => string): Uint8Array {
  const a = parseItem(raw, NO_LIMITS);
  const tags = a.tags.map((t) => (t.name === name ? { name: t.name, value: by(t.value) } : t));
  return serializeItem({ signatureType: a.signatureType, signature: a.signature, owner: a.owner, target: a.target, anchor: a.anchor, tagCount: tags.length, tagBytes: encodeTags(tags), data: a.data });
}
