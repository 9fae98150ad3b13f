/**
 * GET and POST /~scheduler@1.0/location (docs/remote.md "Location records"): the operator's path (a request
 * signed with this node's own key makes the node sign, keep and queue a record of its own) and
 * others' records; a nonce equal to the one held is refused like a lower one. And the outbox that
 * uploads them: its backoff, 1 s doubling to 10 minutes.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { signItem } from "../../src/ans104/sign.ts";
import { ed25519Signer, type Signer } from "../../src/crypto/signers.ts";
import { locationTags, signLocation } from "../../src/remote/location.ts";
import { backoffMs, Outbox } from "../../worker/objects/outbox.ts";
import { seed } from "../support/keys.ts";
import { call, json, schedulerAddress } from "./support.ts";

const D = "/~scheduler@1.0";
const postLocation = (raw: Uint8Array) => call(`${D}/location`, { method: "POST", headers: { "content-type": "application/ans104" }, body: raw as Uint8Array<ArrayBuffer> });

/** The node's own key, as `npm run location` reads it (the generated identity this worker keeps in its NodeObject). */
async function ownKey(): Promise<Signer> {
  const material = (await env.NODE.getByName("node").keyMaterial()) as { kind: string; seed: Uint8Array };
  expect(material.kind).toBe("ed25519");
  const signer = await ed25519Signer(new Uint8Array(material.seed));
  expect(signer.address).toBe(await schedulerAddress());
  return signer;
}

/** A request for this node's own record: only the fields asked for (what `npm run location` sends). */
const request = (signer: Signer, tags: { name: string; value: string }[]) =>
  signItem(signer, { tags: [{ name: "Data-Protocol", value: "ao" }, { name: "Type", value: "Scheduler-Location" }, ...tags] });

describe("POST location", () => {
  test("signed with the node's own key: the node signs a record of its own from the request's Url (Variant and Time-To-Live defaulted, nonce one above the held one), keeps it and queues it for upload", async () => {
    const own = await ownKey();
    const first = await postLocation((await request(own, [{ name: "Url", value: "https://first.example/" }])).raw);
    const a = await json(first);
    expect(first.status, a.error).toBe(200);
    expect(a).toMatchObject({ address: own.address, url: "https://first.example", variant: "ao.TN.1", "time-to-live": "604800000" });
    const second = await json(await postLocation((await request(own, [{ name: "Url", value: "https://second.example" }, { name: "Time-To-Live", value: "60000" }])).raw));
    expect(second).toMatchObject({ url: "https://second.example", "time-to-live": "60000", nonce: String(Number(a.nonce) + 1) });
    expect(second.commitments).not.toEqual(a.commitments); // a new record, signed by the node
    const held = await json(await call(`${D}/location`));
    expect(held).toMatchObject({ address: own.address, url: "https://second.example", nonce: second.nonce });
    const status = await json(await call(`${D}/status`));
    expect(status.location).toMatchObject({ url: "https://second.example", nonce: Number(second.nonce) });
  });

  test("signed with the node's own key, a nonce equal to the one held is refused, naming both", async () => {
    const own = await ownKey();
    const held = await json(await postLocation((await request(own, [{ name: "Url", value: "https://equal.example" }])).raw));
    const res = await postLocation((await request(own, [{ name: "Url", value: "https://equal.example" }, { name: "Nonce", value: held.nonce }])).raw);
    const body = await json(res);
    expect(res.status, body.error).toBe(400);
    expect(body).toMatchObject({ "requested-nonce": Number(held.nonce), "existing-nonce": Number(held.nonce) });
    expect((await json(await call(`${D}/location`))).commitments).toEqual(held.commitments);
  });

  test("another scheduler's record: kept under its signer; one with a nonce equal to the one held is refused, naming both", async () => {
    const other = await ed25519Signer(seed(0x33));
    const record = (nonce: number) => signLocation(other, { url: "https://other.example", variant: "ao.N.1", nonce, ttl: 60_000, timestamp: Date.now() });
    const kept = await postLocation((await record(4)).raw);
    expect(kept.status).toBe(200);
    const equal = await postLocation((await record(4)).raw);
    const body = await json(equal);
    expect(equal.status, body.error).toBe(400);
    expect(body).toMatchObject({ "requested-nonce": 4, "existing-nonce": 4 });
    expect(body.error).toBe(`location nonce 4 is not above the nonce 4 already held for ${other.address}`);
  });

  test("a record already expired is refused; a request that is not Type=Scheduler-Location is refused", async () => {
    const other = await ed25519Signer(seed(0x34));
    const expired = await postLocation((await signLocation(other, { url: "https://late.example", variant: "ao.N.1", nonce: 1, ttl: 1000, timestamp: Date.now() - 60_000 })).raw);
    expect(expired.status).toBe(400);
    expect((await json(expired)).error).toMatch(/has expired \(Time-To-Live 1000 ms from \d+\)/);
    const wrong = await postLocation((await signItem(other, { tags: locationTags({ url: "https://x.example", variant: "ao.N.1", nonce: 2, ttl: 1000, timestamp: Date.now() }).map((t) => (t.name === "Type" ? { ...t, value: "Message" } : t)) })).raw);
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).error).toBe('expected a Type=Scheduler-Location item, got Type "Message"');
  });
});

describe("GET location", () => {
  test("answers a record held for an address with its expires-at while it lasts; once expired, a 404 saying when it expired, not the stale record", async () => {
    const other = await ed25519Signer(seed(0x35));
    const timestamp = Date.now();
    const kept = await postLocation((await signLocation(other, { url: "https://brief.example", variant: "ao.N.1", nonce: 1, ttl: 1_500, timestamp })).raw);
    expect(kept.status, (await json(kept.clone())).error).toBe(200);
    const live = await call(`${D}/location?address=${other.address}`);
    expect(live.status).toBe(200);
    expect(await json(live)).toMatchObject({ address: other.address, url: "https://brief.example", "expires-at": timestamp + 1_500 });
    await new Promise((r) => setTimeout(r, timestamp + 1_600 - Date.now()));
    const late = await call(`${D}/location?address=${other.address}`, { headers: { accept: "application/ans104" } });
    expect(late.status).toBe(404);
    expect((await json(late)).error).toBe(`No location found for address: ${other.address}: the record held expired at ${new Date(timestamp + 1_500).toISOString()}`);
  });
});

describe("the outbox's backoff", () => {
  test("backoffMs: 1 s after the first failure, doubling, at most 10 minutes", () => {
    expect([1, 2, 3, 4, 10, 11, 12, 40].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 512_000, 600_000, 600_000, 600_000]);
  });

  test("a failed upload is tried again no sooner than its backoff, then with the next; a delivered one is not tried again", async () => {
    await runInDurableObject(env.NODE.getByName("outbox-backoff"), async (_, state) => {
      const outbox = new Outbox(state.storage.sql);
      const tries: number[] = [];
      let fail = true;
      const send = async () => {
        tries.push(Date.now());
        if (fail) throw new Error("bundler answered 503");
      };
      outbox.add("item-1", new Uint8Array([1]), "scheduler-location", 0);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const before = Date.now();
        const due = outbox.status("http://bundler.test").oldest!.nextAttempt;
        expect(await outbox.deliver("http://bundler.test", due - 1, send)).toBe(0); // not due yet: not tried
        expect(tries).toHaveLength(attempt - 1);
        expect(await outbox.deliver("http://bundler.test", due, send)).toBe(0);
        expect(tries).toHaveLength(attempt);
        const oldest = outbox.status("http://bundler.test").oldest!;
        expect(oldest).toMatchObject({ id: "item-1", attempts: attempt, lastError: "bundler answered 503" });
        expect(oldest.nextAttempt).toBeGreaterThanOrEqual(before + backoffMs(attempt));
        expect(oldest.nextAttempt).toBeLessThanOrEqual(Date.now() + backoffMs(attempt));
      }
      fail = false;
      expect(await outbox.deliver("http://bundler.test", Number.MAX_SAFE_INTEGER, send)).toBe(1);
      expect(outbox.status("http://bundler.test")).toMatchObject({ pending: 0, delivered: 1, oldest: null });
      expect(await outbox.deliver("http://bundler.test", Number.MAX_SAFE_INTEGER, send)).toBe(0);
      expect(tries).toHaveLength(4);
    });
  });
});
