/**
 * `GET /~scheduler@1.0/forks` and `/forks/<id>` over the NodeObject's proof book: the list and each
 * proof as kept, a 404 for an id not held, a 400 for a malformed one, each proof once, and at
 * most MAX_PROOFS (the first ones kept).
 */
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { encodeTags } from "../../src/ans104/tags.ts";
import { b64url } from "../../src/crypto/base64url.ts";
import { MAX_PROOFS, proofId, type ForkProof } from "../../src/remote/fork-proof.ts";
import { call, json } from "./support.ts";

/** A proof-shaped record whose two items differ in their signature bytes (`n` makes them unique); the book keeps what its finder verified. */
function proof(n: number): ForkProof {
  const item = (k: number) => {
    const signature = new Uint8Array(64);
    new DataView(signature.buffer).setUint32(0, n);
    signature[8] = k;
    return b64url(serializeItem({ signatureType: 2, signature, owner: new Uint8Array(32).fill(9), tagCount: 1, tagBytes: encodeTags([{ name: "Nonce", value: "5" }]), data: new Uint8Array(0) }));
  };
  return { type: "ao-fork-proof", version: 1, process: "P".repeat(43), slot: 5, scheduler: "S".repeat(43), assignments: [item(1), item(2)], messages: [null, null], source: "http://remote.test", "found-at": 1_700_000_000_000 + n };
}

describe("fork proofs held by the node", () => {
  test("each kept proof is listed once with where to get it, and served as the JSON document it is; an unknown id is a 404, a malformed one a 400; past MAX_PROOFS new proofs are not kept", async () => {
    const node = env.NODE.getByName("node");
    const first = proof(0);
    expect(await node.keepFork(first)).toEqual({ id: proofId(first), held: true });
    expect(await node.keepFork(first)).toEqual({ id: proofId(first), held: true }); // the same proof again: still one
    const list = await json<{ forks: { id: string; proof: string }[]; count: number; limit: number }>(await call("/~scheduler@1.0/forks"));
    expect(list.count).toBe(1);
    expect(list.forks).toHaveLength(1);
    expect(list.forks[0]).toEqual({ id: proofId(first), process: first.process, slot: 5, scheduler: first.scheduler, source: first.source, "found-at": first["found-at"], proof: `/~scheduler@1.0/forks/${proofId(first)}` });
    const served = await call(list.forks[0].proof);
    expect(served.headers.get("content-type")).toBe("application/json");
    expect(await served.json()).toEqual(first);

    const missing = await call(`/~scheduler@1.0/forks/${"A".repeat(43)}`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ error: `this node holds no fork proof ${"A".repeat(43)}` });
    const malformed = await call("/~scheduler@1.0/forks/not-an-id");
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error).toContain("id must be a 43-character base64url id");

    for (let n = 1; n < MAX_PROOFS; n++) await node.keepFork(proof(n));
    const over = proof(MAX_PROOFS);
    expect(await node.keepFork(over)).toEqual({ id: proofId(over), held: false });
    const full = await json<{ count: number; forks: unknown[] }>(await call("/~scheduler@1.0/forks"));
    expect(full.count).toBe(MAX_PROOFS);
    expect(full.forks).toHaveLength(MAX_PROOFS);
  });
});
