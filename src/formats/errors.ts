/** One error type for reading wire formats back (JSON renderings of items and schedules). */
export class FormatError extends Error {
  readonly code = "bad-format";
  /** Where in the document the problem is, e.g. `edges[3].node.assignment.signature`. */
  readonly field: string;

  constructor(field: string, detail: string) {
    super(`format: ${field}: ${detail}`);
    this.name = "FormatError";
    this.field = field;
  }
}
