/** Ingest limits (D8, docs/architecture.md), on by default. The ANS-104 spec and arbundles set the tag limits. */

export interface Limits {
  /** Whole item, bytes (the HTTP body limit: 10 MiB). */
  maxItemBytes: number;
  maxTags: number;
  /** Encoded tag block, bytes. */
  maxTagBytes: number;
  maxTagNameBytes: number;
  maxTagValueBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxItemBytes: 10 * 1024 * 1024,
  maxTags: 128,
  maxTagBytes: 4096,
  maxTagNameBytes: 1024,
  maxTagValueBytes: 3072,
});

/** No limits but the format's own: for reading items that others already accepted (stored schedules, vectors). */
export const NO_LIMITS: Readonly<Limits> = Object.freeze({
  maxItemBytes: Number.MAX_SAFE_INTEGER,
  maxTags: Number.MAX_SAFE_INTEGER,
  maxTagBytes: Number.MAX_SAFE_INTEGER,
  maxTagNameBytes: Number.MAX_SAFE_INTEGER,
  maxTagValueBytes: Number.MAX_SAFE_INTEGER,
});
