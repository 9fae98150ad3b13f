/** Signs new data items: the message signed is the deep hash of the item's fields (ANS-104). */
import { b64url } from "../crypto/base64url.ts";
import { digest } from "../crypto/hash.ts";
import type { Signer } from "../crypto/signers.ts";
import type { DataItem } from "./data-item.ts";
import { itemDeepHash } from "./deep-hash.ts";
import { NO_LIMITS } from "./limits.ts";
import { parseItem } from "./parse.ts";
import { serializeItem } from "./serialize.ts";
import { encodeTags, type Tag } from "./tags.ts";

const EMPTY = new Uint8Array(0);

export interface ItemContent {
  target?: Uint8Array;
  anchor?: Uint8Array;
  tags: readonly Tag[];
  /** The tags already encoded, when the caller has them. */
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
  return parseItem(serializeItem({ ...fields, signature }), NO_LIMITS, id);
}
