/**
 * Every signed item in test/vectors/legacy-su parses, re-serializes byte for byte and
 * verifies; a flipped bit fails. Provenance: test/vectors/README.md.
 */
import { describe, expect, test } from "vitest";
import { readBundle } from "../../../src/ans104/bundle.ts";
import type { DataItem } from "../../../src/ans104/data-item.ts";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { serializeItem } from "../../../src/ans104/serialize.ts";
import { tagValue } from "../../../src/ans104/tags.ts";
import { verifyItem } from "../../../src/ans104/verify.ts";
import { equal } from "../../../src/crypto/bytes.ts";
import { addressOf } from "../../../src/crypto/ids.ts";
import { ed25519Message, PROCESS_4QTY, suMessageBundle, suOutputItems } from "../../support/vectors.ts";

const reserialize = (item: DataItem) => serializeItem({ ...item, tagCount: item.tags.length });

async function expectSound(item: DataItem, label: string) {
  expect(equal(reserialize(item), item.raw), `${label}: re-serializes byte for byte`).toBe(true);
  expect(await verifyItem(item), `${label}: verifies`).toBe("valid");
}

/** Flips one bit at each chosen byte; each copy must fail to parse or fail to verify. */
async function expectFlipsFail(raw: Uint8Array, positions: Iterable<number>, label: string) {
  for (const at of positions) {
    for (const bit of [0x01, 0x80]) {
      const copy = raw.slice();
      copy[at] ^= bit;
      let verdict: string;
      try {
        verdict = await verifyItem(parseItem(copy, NO_LIMITS));
      } catch {
        verdict = "unparseable";
      }
      expect(verdict, `${label}: bit ${bit} of byte ${at}`).not.toBe("valid");
    }
  }
}

describe("ed25519-message.bin (type 2, arbundles)", () => {
  const item = parseItem(ed25519Message());

  test("fields", async () => {
    expect(item.signatureType).toBe(2);
    expect(item.id).toBe("vsKtLyYbgGRoU7dvBdhV6HGdm7NXhavpIfInDg_ywZY");
    expect(addressOf(item.owner)).toBe("_oEsEvOrTOasXbaaw1L5BssbEe9D-zPiUu9_9VImOIk");
    expect(new TextDecoder().decode(item.anchor)).toBe("00000000000000000000000000000001");
    expect(tagValue(item.tags, "Action")).toBe("Eval");
    expect(new TextDecoder().decode(item.data)).toBe("hello ao");
    await expectSound(item, "ed25519");
  });

  test("a bit flipped at any byte fails", async () => {
    await expectFlipsFail(item.raw, item.raw.keys(), "ed25519");
  });
});

describe("su-message.bin (bundle: SU assignment salt 478, aoconnect message salt 32)", () => {
  const [assignment, message] = readBundle(suMessageBundle());

  test("both items", async () => {
    expect(assignment.id).toBe("qAxRmlZZTnQDKNqYTB5_8u8Cmk9J9-aVVee_bDZMlr0");
    expect(message.id).toBe("XxAng_IUpIPBuk35-jNWuN2eBPVytruzobiFwmSTt4I");
    expect(tagValue(assignment.tags, "Nonce")).toBe("247050");
    expect(tagValue(assignment.tags, "Message")).toBe(message.id);
    expect(addressOf(assignment.owner)).toBe("fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY");
    await expectSound(assignment, "assignment");
    await expectSound(message, "message");
  });

  // About 3,000 verifications, a thousand of them importing a new RSA key: far past the default 5 s on a busy machine.
  test("a bit flipped at any byte of the salt-32 message fails", { timeout: 120_000 }, async () => {
    await expectFlipsFail(message.raw, message.raw.keys(), "aoconnect message");
  });
});

describe("su-output.txt (31 SU storage items of 4QTy…)", () => {
  const outers = suOutputItems().map((raw) => parseItem(raw, NO_LIMITS));

  test("every outer item and every item nested in it", async () => {
    expect(outers).toHaveLength(31);
    const nonces: number[] = [];
    let nested = 0;
    for (const [i, outer] of outers.entries()) {
      await expectSound(outer, `outer/${i}`);
      expect(tagValue(outer.tags, "Bundle-Format"), `outer/${i}`).toBe("binary");
      const inner = readBundle(outer.data);
      expect(inner.length, `outer/${i}: [assignment] or [assignment, item]`).toBeGreaterThanOrEqual(1);
      for (const [j, item] of inner.entries()) await expectSound(item, `outer/${i}/item ${j}`);
      nested += inner.length;
      expect(tagValue(inner[0].tags, "Process")).toBe(PROCESS_4QTY);
      nonces.push(Number(tagValue(inner[0].tags, "Nonce")));
    }
    expect(nonces.sort((a, b) => a - b)).toEqual([...Array(31).keys()]);
    expect(nested).toBeGreaterThan(31);
  });

  test("a flipped bit fails in the first 4 outer items (every structural byte and every 97th byte)", async () => {
    for (const [i, outer] of outers.slice(0, 4).entries()) {
      const structural = [0, 1, 2, 513, 1025, 1026, 1027, 1060, 1061, 1062, 1094, 1102, 1110];
      const stride = [...outer.raw.keys()].filter((k) => k % 97 === 0);
      await expectFlipsFail(outer.raw, new Set([...structural, ...stride, outer.raw.length - 1]), `outer/${i}`);
    }
  });
});
