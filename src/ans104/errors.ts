/** One error type for the ANS-104 layer, with the field and byte offset as properties. */

export type Ans104ErrorCode =
  | "truncated"
  | "too-large"
  | "unknown-signature-type"
  | "bad-presence-byte"
  | "tag-count-mismatch"
  | "too-many-tags"
  | "tag-bytes-too-long"
  | "tag-name-too-long"
  | "tag-value-too-long"
  | "bad-tag-encoding"
  | "non-utf8-tag"
  | "bad-bundle"
  | "bad-field";

export class Ans104Error extends Error {
  readonly code: Ans104ErrorCode;
  readonly field: string;
  readonly offset: number | undefined;
  /** True when the input ended early (more bytes could complete it); false when it is invalid. */
  readonly incomplete: boolean;

  constructor(code: Ans104ErrorCode, field: string, detail: string, offset?: number) {
    super(`ans104: ${field}: ${detail}${offset === undefined ? "" : ` (at byte ${offset})`}`);
    this.name = "Ans104Error";
    this.code = code;
    this.field = field;
    this.offset = offset;
    this.incomplete = code === "truncated";
  }
}

/** Throws `truncated` unless `n` bytes are available at `pos`. */
export function need(buf: Uint8Array, pos: number, n: number, field: string): void {
  if (n < 0 || pos + n > buf.length) {
    throw new Ans104Error("truncated", field, `needs ${n} bytes, ${Math.max(0, buf.length - pos)} remain`, pos);
  }
}
