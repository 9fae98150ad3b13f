/**
 * Fork proofs (src/remote/fork-proof.ts): a mirror that finds a scheduler serving another signed
 * assignment at a kept slot hands its host a proof; the proof checks with the core alone, and
 * fails when either item is altered, when the two are one assignment, or when they are signed by
 * different keys. A copy altered on the way (no valid signature) proves nothing and yields none.
 */
import { describe, expect, test } from "vitest";
import { SchedulerClient } from "../../../src/remote/client.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { proofId, verifyForkProof, type ForkProof } from "../../../src/remote/fork-proof.ts";
import { b64url, fromB64url } from "../../../src/crypto/base64url.ts";
import { Mirror } from "../../../src/remote/mirror.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import { Scheduler } from "../../../src/schedule/scheduler.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { withTag } from "../../support/altered.ts";
import { signMessage } from "../../support/items.ts";
import { clientSigner, schedulerSigner, seed } from "../../support/keys.ts";
import { serveSchedule } from "../../support/remote-source.ts";
import { signedSchedule } from "../../support/signed-schedule.ts";
import { ed25519Signer, type Signer } from "../../../src/crypto/signers.ts";
import type { DataItem } from "../../../src/ans104/data-item.ts";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { readAssignment, signAssignment } from "../../../src/schedule/assignment.ts";
import { chainNext } from "../../../src/schedule/hash-chain.ts";

const sched = await schedulerSigner();
const client = await clientSigner();

/** A schedule of slots 0-5 mirrored, then its scheduler serving another slot 5 signed by `signer`; the proofs the mirror hands over and its error. */
async function forkedBy(signer = sched, alter?: (s: StoredSlot) => StoredSlot) {
  const src = await signedSchedule(5);
  const store = new MemoryStore();
  const first = serveSchedule(src.pid, src.store, { pageSize: 10 });
  await new Mirror({ client: new SchedulerClient("http://b.test", "ao.N.1", { fetch: first.fetch }), store, processId: src.pid }).syncTo();
  const other = new MemoryStore();
  for (let n = 0; n <= 4; n++) await other.append((await src.store.get(n))!);
  const message = await signMessage(client, src.pid, "the other slot 5");
  if (signer === sched) await (await Scheduler.open({ processId: src.pid, store: other, signer })).schedule(message);
  else await other.append(await signedAs(signer, src.pid, (await other.get(4))!, message));
  const second = serveSchedule(src.pid, other, { pageSize: 10 });
  second.tamper = alter;
  const proofs: ForkProof[] = [];
  const mirror = new Mirror({ client: new SchedulerClient("http://b.test", "ao.N.1", { fetch: second.fetch }), store, processId: src.pid, onFork: (p) => proofs.push(p) });
  const err = await mirror.syncTo().then(() => undefined, (e: unknown) => e);
  return { src, store, other, proofs, err: err as RemoteError };
}

/** The slot after `previous` as another key signs it, chained on it (a Scheduler adds no slot to a schedule signed by another key). */
async function signedAs(signer: Signer, processId: string, previous: StoredSlot, message: DataItem): Promise<StoredSlot> {
  const before = readAssignment(parseItem(previous.assignment, NO_LIMITS));
  const timestamp = before.timestamp + 1;
  const a = await signAssignment(signer, { processId, slot: previous.slot + 1, hashChain: chainNext(previous.assignmentId, before.hashChain), height: before.height, timestamp, variant: before.variant ?? "ao.TN.1", messageId: message.id });
  return { slot: previous.slot + 1, assignmentId: a.id, messageId: message.id, timestamp, assignment: a.raw, message: message.raw };
}

/** The proof with one byte of assignment `i`'s signature flipped. */
function alteredAt(p: ForkProof, i: 0 | 1): ForkProof {
  const bytes = fromB64url(p.assignments[i]);
  bytes[10] ^= 1;
  const assignments = [...p.assignments] as [string, string];
  assignments[i] = b64url(bytes);
  return { ...p, assignments };
}

describe("fork proofs", () => {
  test("a scheduler that signs another assignment for kept slot 5 is reported as a fork, and the mirror hands over one proof naming the process, slot 5, the scheduler and both assignments", async () => {
    const { src, store, other, proofs, err } = await forkedBy();
    expect(err.code).toBe("fork");
    expect(err.message).toContain("a proof is kept");
    expect(proofs).toHaveLength(1);
    const p = proofs[0];
    expect(p).toMatchObject({ type: "ao-fork-proof", version: 1, process: src.pid, slot: 5, scheduler: sched.address, source: "http://b.test" });
    expect(p.assignments).toEqual([b64url((await store.get(5))!.assignment), b64url((await other.get(5))!.assignment)]);
    expect(p.messages).toEqual([b64url((await store.get(5))!.message!), b64url((await other.get(5))!.message!)]);
    const verdict = await verifyForkProof(JSON.parse(JSON.stringify(p)));
    expect(verdict).toEqual({ valid: true, summary: `scheduler ${sched.address} signed two assignments for slot 5 of process ${src.pid}: ${(await store.get(5))!.assignmentId} and ${(await other.get(5))!.assignmentId}` });
    expect(proofId(p)).toBe(proofId({ assignments: [p.assignments[1], p.assignments[0]] }));
  });

  test("the proof is refused when either assignment is altered, when both are one assignment, when a message is not the one assigned, or when it names another process or slot", async () => {
    const { proofs } = await forkedBy();
    const p = proofs[0];
    expect(await verifyForkProof(alteredAt(p, 0))).toMatchObject({ valid: false, problem: expect.stringMatching(/^assignment 0 .*signature invalid-signature$/) });
    expect(await verifyForkProof(alteredAt(p, 1))).toMatchObject({ valid: false, problem: expect.stringMatching(/^assignment 1 .*signature invalid-signature$/) });
    expect(await verifyForkProof({ ...p, assignments: [p.assignments[0], p.assignments[0]], messages: [null, null] })).toMatchObject({ valid: false, problem: expect.stringContaining("both items are the same assignment") });
    expect(await verifyForkProof({ ...p, messages: [p.messages[1], null] })).toMatchObject({ valid: false, problem: expect.stringContaining("message 0 is") });
    expect(await verifyForkProof({ ...p, slot: 4 })).toMatchObject({ valid: false, problem: expect.stringContaining("is for slot 5, not 4") });
    expect(await verifyForkProof({ ...p, process: "A".repeat(43) })).toMatchObject({ valid: false, problem: expect.stringContaining(`not ${"A".repeat(43)}`) });
    expect(await verifyForkProof({ ...p, type: "something else" })).toMatchObject({ valid: false, problem: expect.stringContaining("not a fork proof") });
  });

  test("two assignments for one slot signed by different keys prove nothing: the fork is reported, no proof is handed over", async () => {
    const { proofs, err } = await forkedBy(await ed25519Signer(seed(0x33)));
    expect(err.code).toBe("fork");
    expect(proofs).toHaveLength(0);
    expect(err.message).toContain("no proof: the assignments are signed by different keys");
  });

  test("an assignment altered on the way (its signature broken) is reported as a fork at slot 5 without a proof", async () => {
    const { proofs, err } = await forkedBy(sched, (s) => (s.slot === 5 ? { ...s, assignment: withTag(s.assignment, "Timestamp", (v) => String(Number(v) + 1)) } : s));
    expect(err.details).toMatchObject({ slot: 5 });
    expect(proofs).toHaveLength(0);
    expect(err.message).toContain("no proof: assignment 1");
  });
});
