/** The parsed shape of an ANS-104 data item. Byte fields are views into `raw`, never copies. */
import type { Tag } from "./tags.ts";

export interface DataItem {
  /** The whole item as received. */
  readonly raw: Uint8Array;
  readonly signatureType: number;
  readonly signature: Uint8Array;
  readonly owner: Uint8Array;
  /** 32 raw bytes, or undefined when the presence byte is 0. */
  readonly target: Uint8Array | undefined;
  readonly anchor: Uint8Array | undefined;
  /** The tag block exactly as it appears in the item (the deep hash covers these bytes). */
  readonly tagBytes: Uint8Array;
  readonly tags: readonly Tag[];
  /** Whether `tagBytes` is exactly encodeTags(tags) (true for everything we and arbundles write). */
  readonly canonicalTags: boolean;
  readonly data: Uint8Array;
  /** base64url(SHA-256(signature)). */
  readonly id: string;
}
