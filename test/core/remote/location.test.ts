/**
 * Scheduler-location records (src/remote/location.ts, docs/remote.md "What is verified", row
 * Record): each field check refuses a record naming the field, and when a record expires.
 */
import { describe, expect, test } from "vitest";
import { parseItem } from "../../../src/ans104/parse.ts";
import { signItem } from "../../../src/ans104/sign.ts";
import type { Tag } from "../../../src/ans104/tags.ts";
import { RemoteError } from "../../../src/remote/errors.ts";
import { expiresAt, locationTags, readLocation, verifyLocation } from "../../../src/remote/location.ts";
import { clientSigner, schedulerSigner } from "../../support/keys.ts";

const sched = await schedulerSigner();
const fields = { url: "https://su.example", variant: "ao.TN.1" as const, nonce: 3, ttl: 60_000, timestamp: 1_700_000_000_000 };

/** A record signed by the scheduler with its tags changed by `edit`. */
const record = (edit: (tags: Tag[]) => Tag[]) => signItem(sched, { tags: edit(locationTags(fields)) });
const without = (name: string) => (tags: Tag[]) => tags.filter((t) => t.name !== name);
const set = (name: string, value: string) => (tags: Tag[]) => tags.map((t) => (t.name === name ? { name, value } : t));

async function refusal(item: Promise<Awaited<ReturnType<typeof record>>>, owner?: string): Promise<string> {
  const err = await verifyLocation(await item, owner).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).code).toBe("bad-location");
  return (err as Error).message;
}

describe("check: Record — a location record's fields", () => {
  test("a sound record reads back every field, its signer the scheduler", async () => {
    const r = await verifyLocation(await record((t) => t), sched.address);
    expect(r).toMatchObject({ ...fields, address: sched.address });
    expect(expiresAt(r, 0)).toBe(fields.timestamp + fields.ttl);
  });

  test("signature: a record whose bytes were changed after signing is refused", async () => {
    const item = await record((t) => t);
    const raw = item.raw.slice();
    raw[10] ^= 1; // a byte of the signature
    expect(await refusal(Promise.resolve(parseItem(raw)))).toMatch(/^scheduler-location record: item .* signature does not verify/);
  });

  test("signer = the address looked up: another signer's record is refused, naming both", async () => {
    const stranger = await clientSigner();
    const err = await verifyLocation(await signItem(stranger, { tags: locationTags(fields) }), sched.address).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe(`scheduler-location record: it is signed by ${stranger.address}, not by ${sched.address}`);
  });

  test("Type: a record that is not Type=Scheduler-Location is refused", async () => {
    expect(await refusal(record(set("Type", "Message")))).toBe('scheduler-location record: Type must be Scheduler-Location, got "Message"');
    expect(await refusal(record(without("Type")))).toBe('scheduler-location record: Type must be Scheduler-Location, got "none"');
  });

  test("Url: missing, not http(s), with a query, or carrying credentials is refused (the credentials not repeated)", async () => {
    expect(await refusal(record(set("Url", "https://user:secret@su.example")))).toBe('scheduler-location record: Url must carry no credentials (user:password@), got "https://…@su.example"');
    expect(await refusal(record(without("Url")))).toBe("scheduler-location record: it has no Url");
    expect(await refusal(record(set("Url", "ftp://su.example")))).toMatch(/Url must be an http\(s\) URL without query or fragment, got "ftp:\/\/su.example"/);
    expect(await refusal(record(set("Url", "https://su.example/?a=1")))).toMatch(/Url must be an http\(s\) URL without query or fragment/);
  });

  test("Time-To-Live > 0: missing, 0 or not an integer is refused", async () => {
    expect(await refusal(record(without("Time-To-Live")))).toBe("scheduler-location record: Time-To-Live must be a non-negative integer of at most 16 digits, got none");
    expect(await refusal(record(set("Time-To-Live", "0")))).toBe("scheduler-location record: Time-To-Live must be above 0");
    expect(await refusal(record(set("Time-To-Live", "1.5")))).toBe('scheduler-location record: Time-To-Live must be a non-negative integer of at most 16 digits, got "1.5"');
  });

  test("Nonce: not an integer is refused; none (AO's legacy records) reads as 0", async () => {
    expect(await refusal(record(set("Nonce", "-1")))).toBe('scheduler-location record: Nonce must be a non-negative integer of at most 16 digits, got "-1"');
    expect((await verifyLocation(await record(without("Nonce")))).nonce).toBe(0);
  });

  test("Variant: an unknown one is refused; none reads as ao.N.1 (HyperBEAM's default)", async () => {
    expect(await refusal(record(set("Variant", "ao.X.1")))).toBe('scheduler-location record: Variant must be one of ao.N.1, ao.TN.1, got "ao.X.1"');
    expect((await verifyLocation(await record(without("Variant")))).variant).toBe("ao.N.1");
  });

  test("expiry: Time-To-Live after its Timestamp, or after it was received when it has none", async () => {
    const stamped = readLocation(await record((t) => t));
    expect(expiresAt(stamped, 5)).toBe(fields.timestamp + fields.ttl);
    const legacy = readLocation(await record(without("Timestamp")));
    expect(legacy.timestamp).toBeUndefined();
    expect(expiresAt(legacy, 5)).toBe(5 + fields.ttl);
  });
});
