/**
 * Arweave deep hash (SHA-384): blob b → H(H("blob" ‖ len) ‖ H(b)); list L → fold of
 * H(acc ‖ deepHash(e)) from H("list" ‖ len). Lengths are decimal ASCII.
 */
import { concat, utf8 } from "../crypto/bytes.ts";
import { digest, sha384 } from "../crypto/hash.ts";

export type DeepHashChunk = Uint8Array | readonly DeepHashChunk[];

const tagged = (kind: "blob" | "list", length: number) => sha384(utf8(`${kind}${length}`));

export async function deepHash(chunk: DeepHashChunk): Promise<Uint8Array> {
  if (ArrayBuffer.isView(chunk)) {
    const blob = chunk as Uint8Array;
    return sha384(concat(tagged("blob", blob.length), await digest("SHA-384", blob)));
  }
  let acc = tagged("list", chunk.length);
  for (const child of chunk as readonly DeepHashChunk[]) acc = sha384(concat(acc, await deepHash(child)));
  return acc;
}
