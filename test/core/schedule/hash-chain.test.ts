/** Hash chain D3 against legacy-su.md §2.3 (synthetic and real) and HyperBEAM's algorithm (§2.2 there). */
import { describe, expect, test } from "vitest";
import { readBundle } from "../../../src/ans104/bundle.ts";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { readAssignment } from "../../../src/schedule/assignment.ts";
import { chainNext, chainSeed, hyperbeamChainNext } from "../../../src/schedule/hash-chain.ts";
import { PROCESS_4QTY, suOutputItems } from "../../support/vectors.ts";

const A = "A".repeat(43);
// "B"×43 has non-zero trailing bits; these are the same 32 bytes in canonical form.
const B = "B".repeat(42) + "A";

describe("legacy / compute-unit chain (D3)", () => {
  test("synthetic vectors (legacy-su.md §2.3)", () => {
    expect(chainSeed(A)).toBe("Zmh6rfhivXdsj8GLjp-OIAiXFIVu4jOzkCpZHQ1fKSU");
    expect(chainNext(B, chainSeed(A))).toBe("woanLOICZO7NQyhZoQ4wDfh9mibQJiwa-XMnAUXepSc");
  });

  test("every link of the real 31-slot schedule of 4QTy…", () => {
    const slots = suOutputItems()
      .map((raw) => readBundle(parseItem(raw, NO_LIMITS).data)[0])
      .map((a) => ({ id: a.id, ...readAssignment(a) }))
      .sort((x, y) => x.slot - y.slot);
    expect(slots[0].hashChain).toBe("R5cBwpmN4XJ-LeesR4WXRKmYDrakzxxaBnLip1uzOlQ");
    expect(chainSeed(PROCESS_4QTY)).toBe(slots[0].hashChain);
    expect(slots[0].id).toBe("BZj7OScRU_CPeEk0uGI8_3ZyMPX8aPcCMbbuTUpCj7Q");
    expect(slots[1].hashChain).toBe("MsivzTy3Lfnl5f5roOnFc3d48cEDiAtGjktyH2Q1hfM");
    for (let n = 1; n < slots.length; n++) {
      expect(chainNext(slots[n - 1].id, slots[n - 1].hashChain), `slot ${n}`).toBe(slots[n].hashChain);
    }
  });

  test("inputs must be 32-byte ids", () => {
    expect(() => chainNext("short", chainSeed(A))).toThrow(/previous assignment id/);
    expect(() => chainSeed("")).toThrow(/process id/);
  });
});

describe("HyperBEAM chain (for verifying HyperBEAM schedules)", () => {
  test("vectors of hyperbeam-scheduler.md §2.2", () => {
    const first = hyperbeamChainNext(undefined, "A".repeat(43));
    expect(first).toBe("DwBzhbb51LfusnSGBa_hqYSgo7-j8BTQnip4TOnlzRo");
    expect(hyperbeamChainNext(first, "B".repeat(43))).toBe("81JifZwe0XErrxaaoF-51ALLgfLH1SKLtxFJBtq5bXQ");
  });
});
