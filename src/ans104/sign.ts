/** Signs new data items: the message signed is the deep hash of the item's fields (ANS-104). */
import { utf8 } from "../crypto/bytes.ts";
import type { Signer } from "../crypto/signers.ts";
import type { DataItem } from "./data-item.ts";
import { deepHash } from "./deep-hash.ts";
import { NO_LIMITS } from "./limits.ts";
import { parseItem } from "./parse.ts";
import { serializeItem } from "./serialize.ts";
import { encodeTags, type Tag } from "./tags.ts";

const EMPTY = new Uint8Array(0);
const DATAITEM = utf8("dataitem");
const ONE = utf8("1");

export interface ItemContent {
  target?: Uint8Array;
  anchor?: Uint8Array;
  tags: readonly Tag[];
  /** The tags already encoded, when the caller has them. */
  tagBytes?: Uint8Array;
  data?: Uint8Array;
}

/** The 48-byte message an item's signature covers. */
export function signatureMessage(f: {
  signatureType: number;
  owner: Uint8Array;
  target?: Uint8Array | undefined;
  anchor?: Uint8Array | undefined;
  tagBytes: Uint8Array;
  data: Uint8Array;
}): Promise<Uint8Array> {
  return deepHash([DATAITEM, ONE, utf8(String(f.signatureType)), f.owner, f.target ?? EMPTY, f.anchor ?? EMPTY, f.tagBytes, f.data]);
}

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
  return parseItem(serializeItem({ ...fields, signature }), NO_LIMITS);
}
