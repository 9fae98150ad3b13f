/** Reading an assignment's tags back (D2, docs/architecture.md): what it must carry, and in which form. */
import { describe, expect, test } from "vitest";
import { signItem } from "../../../src/ans104/sign.ts";
import type { Tag } from "../../../src/ans104/tags.ts";
import { readAssignment } from "../../../src/schedule/assignment.ts";
import { ScheduleError } from "../../../src/schedule/errors.ts";
import { clientSigner } from "../../support/keys.ts";

const signer = await clientSigner();
const PID = "4QTyVpvWlwjfsYAvkTSIWjp5XVGf-Rg_Co8K1lPNbvo";
const TAGS: Tag[] = [
  { name: "Process", value: PID },
  { name: "Nonce", value: "7" },
  { name: "Hash-Chain", value: "R5cBwpmN4XJ-LeesR4WXRKmYDrakzxxaBnLip1uzOlQ" },
  { name: "Block-Height", value: "000001526366" },
  { name: "Timestamp", value: "1717000000000" },
];

const withTag = (name: string, value: string | undefined) =>
  signItem(signer, { tags: TAGS.flatMap((t) => (t.name !== name ? [t] : value === undefined ? [] : [{ name, value }])) });

describe("readAssignment", () => {
  test("reads the facts of a well-formed assignment", async () => {
    expect(readAssignment(await signItem(signer, { tags: TAGS }))).toMatchObject({ processId: PID, slot: 7, height: 1_526_366, timestamp: 1_717_000_000_000 });
  });

  const rows: [string, string, string | undefined, RegExp][] = [
    ["no Process", "Process", undefined, /has no Process tag/],
    ["no Nonce", "Nonce", undefined, /has no Nonce tag/],
    ["no Hash-Chain", "Hash-Chain", undefined, /has no Hash-Chain tag/],
    ["no Block-Height", "Block-Height", undefined, /has no Block-Height tag/],
    ["no Timestamp", "Timestamp", undefined, /has no Timestamp tag/],
    ["a Process that is not an id", "Process", "not-an-id", /malformed Process tag: expected a 43-character base64url id/],
    ["a Hash-Chain that is not an id", "Hash-Chain", "0", /malformed Hash-Chain tag/],
    ["a negative Nonce", "Nonce", "-1", /malformed Nonce tag: expected a decimal integer/],
    ["a fractional Timestamp", "Timestamp", "1.5", /malformed Timestamp tag/],
    ["a Block-Height beyond 2^53", "Block-Height", "9".repeat(16), /malformed Block-Height tag/],
  ];
  for (const [label, name, value, message] of rows) {
    test(`${label} is an invalid-item ScheduleError naming the tag`, async () => {
      const item = await withTag(name, value);
      const err = (() => {
        try {
          readAssignment(item);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ScheduleError);
      expect((err as ScheduleError).code).toBe("invalid-item");
      expect((err as ScheduleError).message).toMatch(message);
    });
  }
});
