/**
 * Reading a legacy SU's JSON back into items (src/formats/legacy-su.ts `itemFromLegacyNode`) and
 * verifying it, on the real schedule of process 4QTy… (su-output.txt, 31 slots): as the SU
 * renders it (binary assignment anchors shown as null: chain-checked), and with show-anchor
 * (every byte recoverable: verified).
 */
import { describe, expect, test } from "vitest";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { b64url, fromB64url } from "../../../src/crypto/base64url.ts";
import { addressOf } from "../../../src/crypto/ids.ts";
import { FormatError } from "../../../src/formats/errors.ts";
import { itemFromLegacyNode, legacyPage, type LegacyEdge } from "../../../src/formats/legacy-su.ts";
import { slotOfEdge } from "../../../src/remote/client.ts";
import { verifySlots, type RemoteSlot } from "../../../src/remote/verify.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { PROCESS_4QTY, scheduleExpectedJson, suOutputSlots } from "../../support/vectors.ts";

const real: StoredSlot[] = suOutputSlots();
const suAddress = addressOf(parseItem(real[0].assignment, NO_LIMITS).owner);

function slotsOf(edges: LegacyEdge[]): RemoteSlot[] {
  return edges.map((e, i) => {
    const a = itemFromLegacyNode(e.node.assignment, `edges[${i}].node.assignment`);
    const m = e.node.message ? itemFromLegacyNode(e.node.message, `edges[${i}].node.message`) : undefined;
    return { slot: Number(e.node.assignment.tags.find((t) => t.name === "Nonce")!.value), assignment: a.raw, message: m?.raw, lossless: a.lossless && (m?.lossless ?? true) };
  });
}

describe("legacy SU pages read back and verified (real schedule of 4QTy…)", () => {
  test("as the SU renders them: every link of the chain checks; assignments whose anchors are shown as null are chain-checked", async () => {
    const page = scheduleExpectedJson() as { edges: LegacyEdge[] };
    expect(page.edges).toHaveLength(31);
    expect(page.edges.every((e) => e.node.assignment.anchor === null)).toBe(true);
    const { slots, scheduler } = await verifySlots(slotsOf(page.edges), { processId: PROCESS_4QTY, scheduler: undefined }, undefined);
    expect(slots.map((s) => s.slot)).toEqual([...Array(31).keys()]);
    expect(slots.map((s) => s.assignmentId)).toEqual(real.map((s) => s.assignmentId));
    expect(new Set(slots.map((s) => s.status))).toEqual(new Set(["chain-checked"]));
    expect(scheduler).toBe(suAddress);
  });

  test("with show-anchor: every item rebuilds to its exact bytes and every slot is verified", async () => {
    const page = legacyPage(real, false, "nonce", { showAnchor: true });
    const slots = slotsOf(page.edges as LegacyEdge[]);
    expect(slots).toHaveLength(real.length);
    expect(real).toHaveLength(31);
    slots.forEach((s, i) => {
      expect(Array.from(s.assignment)).toEqual(Array.from(real[i].assignment));
      if (real[i].message) expect(Array.from(s.message!)).toEqual(Array.from(real[i].message!));
    });
    const { slots: kept } = await verifySlots(slots, { processId: PROCESS_4QTY, scheduler: undefined }, undefined);
    expect(kept).toHaveLength(31);
    expect(kept.every((s) => s.status === "verified")).toBe(true);
  });

  test("with show-anchor, an assignment altered on the way is refused at its slot, even where the SU showed the message lossily", async () => {
    const page = legacyPage(real, false, "nonce", { showAnchor: true });
    const slots = (page.edges as LegacyEdge[]).map(slotOfEdge);
    expect(slots).toHaveLength(31);
    expect(slots[5]).toMatchObject({ lossless: false, assignmentLossless: true }); // binary message data, shown as lossy text
    const edge = page.edges[5] as LegacyEdge;
    const ts = edge.node.assignment.tags.find((t) => t.name === "Timestamp")!;
    ts.value = String(Number(ts.value) + 1); // still in order: only the signature can tell
    await expect(verifySlots((page.edges as LegacyEdge[]).map(slotOfEdge), { processId: PROCESS_4QTY, scheduler: undefined }, undefined)).rejects.toMatchObject({
      code: "verification-failed",
      details: { slot: 5, check: "assignment signature" },
    });
  });

  test("a node whose id is not its signature's id is refused, naming the field", () => {
    const page = scheduleExpectedJson() as { edges: LegacyEdge[] };
    const node = { ...page.edges[3].node.assignment, id: page.edges[4].node.assignment.id };
    expect(() => itemFromLegacyNode(node, "edges[3].node.assignment")).toThrow(FormatError);
    expect(() => itemFromLegacyNode(node, "edges[3].node.assignment")).toThrow(/edges\[3\]\.node\.assignment\.id/);
  });

  test("a node with a key and signature of no accepted type is refused", () => {
    const page = scheduleExpectedJson() as { edges: LegacyEdge[] };
    const node = { ...page.edges[3].node.assignment, signature: b64url(fromB64url(page.edges[3].node.assignment.signature).subarray(0, 64)) };
    expect(() => itemFromLegacyNode(node)).toThrow(/no accepted signature type has a 512-byte key and a 64-byte signature/);
  });
});
