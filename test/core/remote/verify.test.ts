/**
 * The remote-schedule verifier (src/remote/verify.ts): a real schedule signed by our own
 * Scheduler passes; each kind of tampering fails at exactly its slot, naming the check.
 */
import { describe, expect, test } from "vitest";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { serializeItem } from "../../../src/ans104/serialize.ts";
import { encodeTags, type Tag } from "../../../src/ans104/tags.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { verifySlots, verifySlotsInParts, type RemoteSlot, type VerifyPart } from "../../../src/remote/verify.ts";
import { signAssignment } from "../../../src/schedule/assignment.ts";
import { chainNext } from "../../../src/schedule/hash-chain.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { Scheduler } from "../../../src/schedule/scheduler.ts";
import { signMessage, signProcess } from "../../support/items.ts";
import { withTag } from "../../support/altered.ts";
import { clientSigner, schedulerSigner } from "../../support/keys.ts";

const sched = await schedulerSigner();
const client = await clientSigner();
const process = await signProcess(client, sched.address);
const store = new MemoryStore();
const s = await Scheduler.open({ processId: process.id, store, signer: sched });
await s.schedule(process);
for (let i = 0; i < 5; i++) await s.schedule(await signMessage(client, process.id, `m${i}`));
const stored = await store.range({ from: 0, to: 5, limit: 10, maxBytes: 1e9 });
const remote = (): RemoteSlot[] => stored.map((x) => ({ slot: x.slot, assignment: x.assignment, message: x.message, lossless: true }));
const ctx = { processId: process.id, scheduler: sched.address };

/** The assignment of `slot` with its tags changed by `edit`, re-serialized with its old signature. */
function retagged(slot: number, edit: (tags: Tag[]) => Tag[]): Uint8Array {
  const a = parseItem(stored[slot].assignment, NO_LIMITS);
  const tags = edit(a.tags.map((t) => ({ ...t })));
  return serializeItem({ signatureType: a.signatureType, signature: a.signature, owner: a.owner, anchor: a.anchor, tagCount: tags.length, tagBytes: encodeTags(tags), data: a.data });
}

const setTag = (name: string, value: string) => (tags: Tag[]) => tags.map((t) => (t.name === name ? { name, value } : t));

async function failure(slots: RemoteSlot[], scheduler = sched.address): Promise<RemoteError> {
  const err = await verifySlots(slots, { ...ctx, scheduler }, undefined).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).code).toBe("verification-failed");
  return err as RemoteError;
}

describe("verifying another scheduler's slots", () => {
  test("an untouched schedule passes, every slot verified, in order", async () => {
    const { slots } = await verifySlots(remote(), ctx, undefined);
    expect(slots.map((x) => [x.slot, x.status])).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, "verified"]));
    expect(slots.map((x) => x.assignmentId)).toEqual(stored.map((x) => x.assignmentId));
  });

  test("check: Slot continuity — a gap fails at the slot after it", async () => {
    const slots = remote();
    slots.splice(3, 1);
    expect((await failure(slots)).details).toMatchObject({ slot: 4, check: "slot continuity", expected: 3, found: 4 });
  });

  test("check: Timestamp — a Timestamp below the previous slot's fails the order check at its slot; one still above it fails the assignment's signature (check: Signatures)", async () => {
    const slots = remote();
    slots[2] = { ...slots[2], assignment: retagged(2, setTag("Timestamp", "1")) };
    expect((await failure(slots)).details).toMatchObject({ slot: 2, check: "Timestamp order" });
    slots[2] = { ...slots[2], assignment: retagged(2, setTag("Timestamp", String(stored[2].timestamp + 1))) };
    expect((await failure(slots)).details).toMatchObject({ slot: 2, check: "assignment signature", found: "invalid-signature" });
  });

  test("check: Hash chain — a wrong Hash-Chain fails at its slot, naming the expected link", async () => {
    const slots = remote();
    slots[3] = { ...slots[3], assignment: retagged(3, setTag("Hash-Chain", stored[0].assignmentId)) };
    const err = await failure(slots);
    const prev = parseItem(stored[2].assignment, NO_LIMITS);
    expect(err.details).toMatchObject({ slot: 3, check: "Hash-Chain", expected: chainNext(prev.id, prev.tags.find((t) => t.name === "Hash-Chain")!.value), found: stored[0].assignmentId });
  });

  test("check: Nonce — a Nonce that is not the slot fails", async () => {
    const slots = remote();
    slots[1] = { ...slots[1], assignment: retagged(1, setTag("Nonce", "7")) };
    expect((await failure(slots)).details).toMatchObject({ slot: 1, check: "Nonce", expected: 1, found: "7" });
  });

  test("check: Process — an assignment for another process fails the Process tag check", async () => {
    const slots = remote();
    slots[4] = { ...slots[4], assignment: retagged(4, setTag("Process", stored[1].messageId)) };
    expect((await failure(slots)).details).toMatchObject({ slot: 4, check: "Process tag", expected: process.id });
  });

  test("check: Signer — an assignment signed by another key than the location record's fails the signer check", async () => {
    expect((await failure(remote(), client.address)).details).toMatchObject({ slot: 0, check: "assignment signer", expected: client.address, found: sched.address });
  });

  /** Slot 2 re-signed by the client key, chained and tagged correctly. */
  async function forgedSlot2(): Promise<RemoteSlot[]> {
    const slots = remote();
    const a1 = parseItem(stored[1].assignment, NO_LIMITS);
    const forged = await signAssignment(client, {
      processId: process.id,
      slot: 2,
      hashChain: chainNext(a1.id, a1.tags.find((t) => t.name === "Hash-Chain")!.value),
      height: 0,
      timestamp: stored[2].timestamp,
      variant: "ao.TN.1",
      messageId: stored[2].messageId,
    });
    slots[2] = { ...slots[2], assignment: forged.raw };
    return slots;
  }

  test("a validly signed assignment from a stranger, chained correctly, still fails the signer check", async () => {
    expect((await failure(await forgedSlot2())).details).toMatchObject({ slot: 2, check: "assignment signer", found: client.address });
  });

  test("without a known scheduler, slot 0's signer is the one every later slot is held to", async () => {
    const { scheduler } = await verifySlots(remote(), { processId: process.id, scheduler: undefined }, undefined);
    expect(scheduler).toBe(sched.address);
    const err = await verifySlots(await forgedSlot2(), { processId: process.id, scheduler: undefined }, undefined).then(() => undefined, (e: unknown) => e);
    expect((err as RemoteError).details).toMatchObject({ slot: 2, check: "assignment signer", expected: sched.address, found: client.address });
  });

  describe("in parts side by side (verifySlotsInParts, as the browser mirror runs it)", () => {
    /** verifySlots as each part's runner, noting the slots and the previous slot of each part. */
    function recorded() {
      const calls: { slots: number[]; previous: number | undefined; scheduler: string | undefined }[] = [];
      const check: VerifyPart = (slots, c, previous) => {
        calls.push({ slots: slots.map((x) => x.slot), previous: previous?.slot, scheduler: c.scheduler });
        return verifySlots(slots, c, previous);
      };
      return { calls, check };
    }

    test("a sound page in 3 parts gives what verifySlots gives, each part checked against the slot before it", async () => {
      const { calls, check } = recorded();
      const whole = await verifySlots(remote(), ctx, undefined);
      expect(await verifySlotsInParts(remote(), ctx, undefined, 3, check)).toEqual(whole);
      expect(calls).toEqual([
        { slots: [0, 1], previous: undefined, scheduler: sched.address },
        { slots: [2, 3], previous: 1, scheduler: sched.address },
        { slots: [4, 5], previous: 3, scheduler: sched.address },
      ]);
    });

    test("the lowest failure is named whichever part finds it: a wrong Hash-Chain at slot 4 (third part), and a bad signature at slot 1 (the slot the second part starts from) before it", async () => {
      const chain = remote().map((x) => (x.slot === 4 ? { ...x, assignment: retagged(4, setTag("Hash-Chain", "x".repeat(43))) } : x));
      await expect(verifySlotsInParts(chain, ctx, undefined, 3, recorded().check)).rejects.toMatchObject({ details: { slot: 4, check: "Hash-Chain" } });
      const both = chain.map((x) => (x.slot === 1 ? { ...x, assignment: withTag(x.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : x));
      await expect(verifySlotsInParts(both, ctx, undefined, 3, recorded().check)).rejects.toMatchObject({ details: { slot: 1, check: "assignment signature" } });
    });

    test("without a known scheduler every part is held to slot 0's signer: a stranger's assignment at slot 2 (second part) fails the signer check", async () => {
      const { calls, check } = recorded();
      const err = await verifySlotsInParts(await forgedSlot2(), { processId: process.id, scheduler: undefined }, undefined, 3, check).catch((e: unknown) => e);
      expect((err as RemoteError).details).toMatchObject({ slot: 2, check: "assignment signer", expected: sched.address, found: client.address });
      expect(calls).toHaveLength(3);
      expect(calls.every((c) => c.scheduler === sched.address)).toBe(true);
    });
  });

  test("check: Message — a message that is not the one the assignment names fails the message id check", async () => {
    const slots = remote();
    slots[2] = { ...slots[2], message: stored[3].message };
    expect((await failure(slots)).details).toMatchObject({ slot: 2, check: "message id", expected: stored[2].messageId, found: stored[3].messageId });
  });

  test("check: Signatures — a tampered message fails its signature when the source is lossless, and is chain-checked when not", async () => {
    const bytes = stored[5].message!.slice();
    bytes[bytes.length - 1] ^= 1; // the data's last byte
    const slots = remote();
    slots[5] = { ...slots[5], message: bytes };
    expect((await failure(slots)).details).toMatchObject({ slot: 5, check: "message signature", found: "invalid-signature" });
    slots[5] = { ...slots[5], lossless: false };
    const { slots: kept } = await verifySlots(slots, ctx, undefined);
    expect(kept[5].status).toBe("chain-checked");
    expect(kept[4].status).toBe("verified");
  });

  test("check: Format — bytes that are not an item fail the format check", async () => {
    const slots = remote();
    slots[1] = { ...slots[1], assignment: stored[1].assignment.subarray(0, 40) };
    expect((await failure(slots)).details).toMatchObject({ slot: 1, check: "format" });
  });

  test("slot 0 must carry the process and no Message tag", async () => {
    const slots = remote();
    slots[0] = { ...slots[0], message: undefined };
    expect((await failure(slots)).details).toMatchObject({ slot: 0, check: "process" });
  });

});

test("verifySlots names the lowest broken slot: a bad signature at slot 2 comes before a Nonce gap at slot 4, though signatures are checked side by side", async () => {
  const slots = remote().map((x) => (x.slot === 2 ? { ...x, assignment: withTag(x.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : x.slot === 4 ? { ...x, slot: 5 } : x));
  const err = await verifySlots(slots, { processId: process.id, scheduler: sched.address }, undefined).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).details).toMatchObject({ slot: 2, check: "assignment signature" });
});
