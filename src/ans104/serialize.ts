/** Writes a data item from its fields; the inverse of parseItem, byte for byte. */
import { signatureType } from "../crypto/signature-types.ts";
import { Ans104Error } from "./errors.ts";

export interface ItemFields {
  signatureType: number;
  signature: Uint8Array;
  owner: Uint8Array;
  target?: Uint8Array | undefined;
  anchor?: Uint8Array | undefined;
  tagCount: number;
  tagBytes: Uint8Array;
  data: Uint8Array;
}

function check(actual: number, expected: number, field: string): void {
  if (actual !== expected) throw new Ans104Error("bad-field", field, `must be ${expected} bytes, got ${actual}`);
}

export function serializeItem(f: ItemFields): Uint8Array {
  const spec = signatureType(f.signatureType);
  if (!spec) throw new Ans104Error("unknown-signature-type", "signature type", `${f.signatureType} is not an ANS-104 signature type`);
  check(f.signature.length, spec.signatureLength, "signature");
  check(f.owner.length, spec.ownerLength, "owner");
  if (f.target) check(f.target.length, 32, "target");
  if (f.anchor) check(f.anchor.length, 32, "anchor");
  const size =
    2 + spec.signatureLength + spec.ownerLength + (f.target ? 33 : 1) + (f.anchor ? 33 : 1) + 16 + f.tagBytes.length + f.data.length;
  const out = new Uint8Array(size);
  out[0] = f.signatureType & 0xff;
  out[1] = f.signatureType >> 8;
  let pos = 2;
  out.set(f.signature, pos);
  pos += spec.signatureLength;
  out.set(f.owner, pos);
  pos += spec.ownerLength;
  for (const opt of [f.target, f.anchor]) {
    if (opt) {
      out[pos] = 1;
      out.set(opt, pos + 1);
      pos += 33;
    } else {
      out[pos++] = 0;
    }
  }
  const view = new DataView(out.buffer);
  view.setUint32(pos, f.tagCount, true); // high halves stay zero: counts and lengths are < 2^32
  view.setUint32(pos + 8, f.tagBytes.length, true);
  pos += 16;
  out.set(f.tagBytes, pos);
  out.set(f.data, pos + f.tagBytes.length);
  return out;
}
