/** Signs new data items: the message signed is the deep hash of the item's fields (ANS-104). */
import { b64url } from "../crypto/base64url.ts";
import { digest } from "../crypto/hash.ts";
import type { Signer } from "../crypto/signers.ts";
import type { DataItem } from "./data-item.ts";
import { itemDeepHash } from "./deep-hash.ts";
import { serializeItem } from "./serialize.ts";
import { encodeTags, type Tag } from "./tags.ts";

const EMPTY = new Uint8Array(0);

export interface ItemContent {
  target?: Uint8Array;
  anchor?: Uint8Array;
  tags: readonly Tag[];
  /** encodeTags(tags), when the caller has it already. */
  tagBytes?: Uint8Array;
  data?: Uint8Array;
}

/** The 48-byte message an item's signature covers: the deep hash of its fields. */
export const signatureMessage = itemDeepHash;

export async function signItem(signer: Signer, content: ItemContent): Promise<DataItem> {
  const fields = {
    signatureType: signer.type,
    owner: signer.owner,
    target: content.target,
    anchor: content.anchor,
    tagBytes: content.tagBytes ?? encodeTags(content.tags),
    tagCount: content.tags.length,
    data: content.data ?? EMPTY,
  };
  const signature = await signer.sign(await signatureMessage(fields));
  const id = b64url(await digest("SHA-256", signature));
  const raw = serializeItem({ ...fields, signature });
  // The item's fields are the ones just written: views into `raw`, as parseItem would give.
  const at = (bytes: Uint8Array, from: number) => raw.subarray(from, from + bytes.length);
  const afterOwner = 2 + signature.length + signer.owner.length;
  const afterTarget = afterOwner + (fields.target ? 33 : 1);
  const tagsAt = afterTarget + (fields.anchor ? 33 : 1) + 16;
  return {
    raw,
    signatureType: signer.type,
    signature: at(signature, 2),
    owner: at(signer.owner, 2 + signature.length),
    target: fields.target && at(fields.target, afterOwner + 1),
    anchor: fields.anchor && at(fields.anchor, afterTarget + 1),
    tagBytes: at(fields.tagBytes, tagsAt),
    tags: content.tags.map((t) => ({ name: t.name, value: t.value })),
    canonicalTags: true,
    data: raw.subarray(tagsAt + fields.tagBytes.length),
    id,
  };
}
