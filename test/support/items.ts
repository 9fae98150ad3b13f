/** Builders for signed processes and messages, signed by our own core. */
import type { DataItem } from "../../src/ans104/data-item.ts";
import { signItem } from "../../src/ans104/sign.ts";
import type { Tag } from "../../src/ans104/tags.ts";
import { fromB64url } from "../../src/crypto/base64url.ts";
import { utf8 } from "../../src/crypto/bytes.ts";
import type { Signer } from "../../src/crypto/signers.ts";

let counter = 0;
/** A fresh 32-character ASCII anchor, like aoconnect's. */
export const anchor = () => utf8(String(++counter).padStart(16, "0") + Math.random().toString(36).slice(2, 18).padEnd(16, "0"));

export function processTags(scheduler: string, extra: Tag[] = []): Tag[] {
  return [
    { name: "Data-Protocol", value: "ao" },
    { name: "Variant", value: "ao.TN.1" },
    { name: "Type", value: "Process" },
    { name: "Module", value: "Isk_GYo30Tyf5nLbVI6zEJIfFpiXQJd58IKcIkTu4no" },
    { name: "Scheduler", value: scheduler },
    ...extra,
  ];
}

export const messageTags = (extra: Tag[] = []): Tag[] => [
  { name: "Data-Protocol", value: "ao" },
  { name: "Variant", value: "ao.TN.1" },
  { name: "Type", value: "Message" },
  { name: "Action", value: "Eval" },
  ...extra,
];

export const signProcess = (signer: Signer, scheduler: string, extra: Tag[] = [], data = "print('hello')"): Promise<DataItem> =>
  signItem(signer, { anchor: anchor(), tags: processTags(scheduler, extra), data: utf8(data) });

export const signMessage = (signer: Signer, processId: string, data: string | Uint8Array = "1 + 1", extra: Tag[] = []): Promise<DataItem> =>
  signItem(signer, { target: fromB64url(processId), anchor: anchor(), tags: messageTags(extra), data: typeof data === "string" ? utf8(data) : data });
