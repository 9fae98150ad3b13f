/**
 * Every class of bad input in docs/bad-input.md gets its 4xx and message, and changes no schedule
 * (D8, D9, docs/architecture.md). Rows here and rows in the doc are the same list.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { signItem } from "../../src/ans104/sign.ts";
import { encodeTags, type Tag } from "../../src/ans104/tags.ts";
import { fromB64url } from "../../src/crypto/base64url.ts";
import { locationTags } from "../../src/remote/location.ts";
import { messageTags, processTags, signMessage } from "../support/items.ts";
import { ANS104, call, current, post, schedulerAddress, spawn, testClient } from "./support.ts";

let pid: string;
let good: DataItem;

beforeAll(async () => {
  pid = (await spawn()).id;
  good = await signMessage(await testClient(), pid, "good");
});

const flip = (bytes: Uint8Array, at: number) => {
  const b = bytes.slice();
  b[at] ^= 1;
  return b;
};

type Row = [label: string, request: () => Promise<Response>, status: number, error: RegExp];

/** The tag header of `good` (an Ed25519 message with target and anchor): the tag count, then the tag block's length, then the block. */
const TAG_HEADER = 2 + 64 + 32 + 33 + 33;

/** An item of a type this node cannot verify, with that type's signature and owner lengths (it parses; it cannot be checked). */
const ofType = async (type: number) => {
  const lengths: Record<number, [number, number]> = { 4: [64, 32], 5: [64, 32], 6: [2052, 1025], 7: [65, 42] };
  const [signatureLength, ownerLength] = lengths[type];
  return serializeItem({ signatureType: type, signature: new Uint8Array(signatureLength).fill(7), owner: new Uint8Array(ownerLength).fill(9), target: fromB64url(pid), tagCount: good.tags.length, tagBytes: encodeTags(good.tags), data: good.data });
};

/** `good` with one tag whose block is `block` (no signer makes such bytes; they are refused before any signature check). */
const withTagBlock = (block: number[]) => serializeItem({ ...good, tagCount: 1, tagBytes: new Uint8Array(block) });

const signed = async (tags: Tag[], target = true) => signItem(await testClient(), { ...(target ? { target: fromB64url(pid) } : {}), tags });

// Each label starts with the class of docs/bad-input.md it checks (test/layout/docs-coverage.test.ts holds them to it).
const rows: Row[] = [
  ["Empty body", async () => post(new Uint8Array(0), `/${pid}/schedule`), 400, /empty body/],
  ["Truncated item (anywhere before the data): cut at byte 100, in the tags", async () => post(good.raw.subarray(0, 100), `/${pid}/schedule`), 400, /truncated|needs \d+ bytes/],
  ["Wrong signature/owner length for the type: cut in the signature", async () => post(good.raw.subarray(0, 30), `/${pid}/schedule`), 400, /signature: needs 64 bytes/],
  ["Unknown signature type: 42", async () => { const b = good.raw.slice(); b[0] = 42; return post(b, `/${pid}/schedule`); }, 400, /42 is not an ANS-104 signature type/],
  ...[4, 5, 6, 7].map((type): Row => [`Known type we cannot verify (4 Solana, 5-7): type ${type}`, async () => post(await ofType(type), `/${pid}/schedule`), 400, new RegExp(`signature type ${type} \\(\\w+\\); accepted types are 1 \\(arweave\\), 2 \\(ed25519\\) and 3 \\(ethereum\\)`)]),
  ["Bad presence byte (target or anchor not 0/1): target presence byte 5", async () => post(Object.assign(good.raw.slice(), { [98]: 5 }), `/${pid}/schedule`), 400, /target presence byte: must be 0 or 1, got 5/],
  ["Tag count does not match the tag block: header says one more", async () => { const b = good.raw.slice(); b[TAG_HEADER] += 1; return post(b, `/${pid}/schedule`); }, 400, /header says \d+ tags, block holds \d+/],
  ["Tag count or tag length above 2^32: the count", async () => { const b = good.raw.slice(); b[TAG_HEADER + 5] = 1; return post(b, `/${pid}/schedule`); }, 400, /tag count: is larger than 2\^32/],
  ["More than 128 tags: 129", async () => post(await signed(Array.from({ length: 129 }, (_, i) => ({ name: `t${i}`, value: "v" }))), `/${pid}/schedule`), 400, /129 tags exceeds the limit of 128/],
  ["Tag block over 4096 bytes: 4108", async () => post(await signed([{ name: "a", value: "v".repeat(3000) }, { name: "b", value: "w".repeat(1090) }]), `/${pid}/schedule`), 400, /tag bytes length: \d+ bytes exceeds the limit of 4096/],
  ["Tag name over 1024 bytes / value over 3072 bytes: a name of 1025", async () => post(await signed([{ name: "n".repeat(1025), value: "v" }]), `/${pid}/schedule`), 400, /tag name: 1025 bytes exceeds the limit of 1024/],
  ["Tag name over 1024 bytes / value over 3072 bytes: a value of 3073", async () => post(await signed([{ name: "Type", value: "x".repeat(3073) }]), `/${pid}/schedule`), 400, /tag value: 3073 bytes exceeds the limit of 3072/],
  ["Tag name or value not UTF-8: a value byte 0xff", async () => post(withTagBlock([2, 2, 0x6e, 2, 0xff, 0]), `/${pid}/schedule`), 400, /tag value: is not valid UTF-8/],
  ["Malformed Avro in the tag block (negative length, trailing bytes): a negative length", async () => post(withTagBlock([2, 1, 0x6e, 2, 0x76, 0]), `/${pid}/schedule`), 400, /negative length/],
  ["Malformed Avro in the tag block (negative length, trailing bytes): a byte after the block", async () => post(withTagBlock([2, 2, 0x6e, 2, 0x76, 0, 0]), `/${pid}/schedule`), 400, /1 bytes after the end of the tag block/],
  ["Unsigned item (all-zero signature)", async () => { const b = good.raw.slice(); b.fill(0, 2, 66); return post(b, `/${pid}/schedule`); }, 400, /is unsigned/],
  ["Signature does not verify: the last data byte flipped", async () => post(flip(good.raw, good.raw.length - 1), `/${pid}/schedule`), 400, /signature does not verify/],
  ["Tag name or value ending in +link", async () => post(await signMessage(await testClient(), pid, "x", [{ name: "Data+link", value: "y" }]), `/${pid}/schedule`), 400, /cannot contain \+link/],
  ['Message without a target (this includes a "process" with no Type=Process)', async () => post(await signed(processTags(await schedulerAddress()).filter((t) => t.name !== "Type"), false)), 400, /has no target/],
  ["An item with Type=Assignment", async () => post(await signed(messageTags().map((t) => (t.name === "Type" ? { ...t, value: "Assignment" } : t))), `/${pid}/schedule`), 400, /is an Assignment; only schedulers make those/],
  ...["Data-Protocol", "Module", "Scheduler"].map((name): Row => [`Process missing Data-Protocol, Module or Scheduler: no ${name}`, async () => post(await signed(processTags(await schedulerAddress()).filter((t) => t.name !== name), false)), 400, new RegExp(`missing required tag: ${name}`)]),
  ["Process whose Scheduler is another node that cannot be located (one that can is posted to it)", async () => post(await signed(processTags("fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY"), false)), 404, /^process [\w-]{43} names scheduler fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY, which is not this node \([\w-]{43}\) and cannot be located: no location record here \(no GATEWAY_URL is set to look one up\)$/],
  ["Message to a process this node does not know", async () => post(await signMessage(await testClient(), "A".repeat(43)), "/~scheduler@1.0/schedule"), 404, /not known to this scheduler; spawn it first/],
  ["Item posted under another process's path", async () => post(good, `/${"A".repeat(43)}/schedule`), 400, /was posted to A{43}/],
  ["Wrong or missing content-type on a HyperBEAM POST: wrong", async () => post(good, `/${pid}/schedule`, { "content-type": "application/json" }), 415, /unsupported content-type "application\/json"/],
  ["Wrong or missing content-type on a HyperBEAM POST: a location record as a form", async () => post(good, "/~scheduler@1.0/location", { "content-type": "application/x-www-form-urlencoded" }), 415, /unsupported content-type "application\/x-www-form-urlencoded"/],
  ["Wrong or missing content-type on a HyperBEAM POST: missing", async () => call(`/${pid}/schedule`, { method: "POST", body: good.raw }), 415, /content-type/],
  ["Body over 10 MiB (declared or streamed): declared", async () => post(new Uint8Array(10 * 1024 * 1024 + 1), `/${pid}/schedule`), 413, /body of 10485761 bytes exceeds the limit of 10485760 bytes/],
  ["Body over 10 MiB (declared or streamed): streamed, no length", async () => call(`/${pid}/schedule`, { method: "POST", headers: ANS104, body: stream(10 * 1024 * 1024 + 1), duplex: "half" } as RequestInit), 413, /exceeds the limit/],
  ["target missing: on a schedule read", async () => call("/~scheduler@1.0/schedule"), 400, /target is required: a 43-character process id/],
  ["target missing: on a slot read", async () => call("/~scheduler@1.0/slot"), 400, /target is required/],
  ["Malformed id (target, path pid, status from): target", async () => call("/~scheduler@1.0/schedule?target=not-an-id"), 400, /target must be a 43-character base64url id, got "not-an-id"/],
  ["Malformed id (target, path pid, status from): path pid", async () => call("/abc/schedule"), 400, /pid must be a 43-character base64url id/],
  ["Malformed id (target, path pid, status from): a non-canonical 43-character path pid is named as non-canonical", async () => call(`/${"W".repeat(43)}/schedule`), 400, /pid must be a 43-character base64url id, got "W{43}" \(not canonical: its last character "W" sets bits past the 32nd byte\)/],
  ["Malformed id (target, path pid, status from): a query value starting with ~ is a bad id, not a missing route", async () => call("/~scheduler@1.0/slot?target=~scheduler@1.0"), 400, /target must be a 43-character base64url id, got "~scheduler@1.0"/],
  ["Malformed id (target, path pid, status from): status from", async () => call("/~scheduler@1.0/status?from=nope"), 400, /from must be a 43-character base64url id/],
  ...(
    [
      ["from", "abc"],
      ["from", "-5"],
      ["to", "-1"],
      ["to", "1.5"],
      ["limit", "x"],
      ["wait", "-1"],
      ["lookahead", "2.5"],
    ] as const
  ).map(([name, value]): Row => [`Non-numeric, negative or fractional from / to / limit / wait / lookahead: ${name}=${value}`, async () => call(name === "wait" || name === "lookahead" ? `/~scheduler@1.0/next?target=${pid}&${name}=${value}` : `/${pid}/schedule?${name}=${value}`), 400, new RegExp(`${name} must be an integer`)]),
  ["from after to: 5 and 3", async () => call(`/${pid}/schedule?from=5&to=3`), 400, /^from \(5\) is after to \(3\): a range needs from <= to$/],
  ["from after to, or from-nonce after to-nonce (both bounds: the start exclusive, the end inclusive): timestamps", async () => call(`/${pid}?from=1700000000001&to=1700000000000`), 400, /^from \(1700000000001\) is after to \(1700000000000\)/],
  ["from after to, or from-nonce after to-nonce (both bounds: the start exclusive, the end inclusive): nonces", async () => call(`/${pid}?from-nonce=4&to-nonce=2`), 400, /^from-nonce \(4\) is after to-nonce \(2\)/],
  ["limit over 1000, wait over 30000: limit 1001", async () => call(`/${pid}/schedule?limit=1001`), 400, /limit must be an integer from 1 to 1000, got "1001"/],
  ["limit over 1000, wait over 30000: wait 30001", async () => call(`/~scheduler@1.0/next?target=${pid}&wait=30001`), 400, /wait must be an integer from 0 to 30000, got "30001"/],
  ["limit or lookahead of 0 (a page that could never advance): limit", async () => call(`/${pid}/schedule?limit=0`), 400, /limit must be an integer from 1 to 1000, got "0"/],
  ["limit or lookahead of 0 (a page that could never advance): lookahead", async () => call(`/~scheduler@1.0/next?target=${pid}&lookahead=0`), 400, /lookahead must be an integer from 1 to 1000/],
  ["A device segment where a process id goes (/~scheduler@1.0/slot/current)", async () => call("/~scheduler@1.0/slot/current"), 404, /no route for GET \/~scheduler@1.0\/slot\/current/],
  ["Read of an unknown process", async () => call(`/~scheduler@1.0/schedule?target=${"B".repeat(42)}A`), 404, /not known to this scheduler/],
  ["next for a slot that does not exist (after wait)", async () => call(`/~scheduler@1.0/next?target=${pid}&from=99&wait=50`), 404, /slot 99 of process .* is not yet available \(current slot is \d+\)/],
  ...(
    [
      ["a hint that is not a URL is named as the hint, not as a location record", () => call(`/${"E".repeat(42)}A/slot?hint=not-a-url`), /^hint must be an http\(s\) URL without query or fragment, got "not-a-url"$/],
      ["a hint to a loopback address", () => call(`/${"E".repeat(42)}A/slot?hint=${encodeURIComponent("http://127.0.0.1:9")}`), /destination "http:\/\/127\.0\.0\.1:9" .*REMOTE_PRIVATE=deny/],
      ["a posted location record whose Url carries credentials", async () => post(await signItem(await testClient(), { tags: locationTags({ url: "http://user:pw@sched.example", variant: "ao.N.1", nonce: 1, ttl: 60_000, timestamp: Date.now() }) }), "/~scheduler@1.0/location"), /Url must carry no credentials \(user:password@\), got "http:\/\/…@sched\.example"/],
    ] as const
  ).map(([what, request, error]): Row => [`A hint, or a posted location record's Url, that is not http(s), carries credentials, or (with REMOTE_PRIVATE=deny) names a loopback, private, link-local, unique-local, multicast or reserved address: ${what}`, request, 400, error]),
  ["Unknown route", async () => call("/~scheduler@1.0/nope"), 404, /no route for GET \/~scheduler@1.0\/nope/],
  ["the bench's seeding route on a server without AO_BENCH_TOKEN", async () => call(`/~bench@1.0/seed?target=${pid}&count=5`, { method: "POST", headers: { "x-bench-token": "" }, body: good.raw }), 404, /no route for POST/],
];

function stream(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      const n = Math.min(1024 * 1024, size - sent);
      if (n <= 0) return c.close();
      sent += n;
      c.enqueue(new Uint8Array(n));
    },
  });
}

describe("bad input gets a 4xx naming the problem and changes nothing", () => {
  for (const [label, request, status, error] of rows) {
    test(label, async () => {
      const before = await current(pid);
      const res = await request();
      const body = (await res.json()) as { error: string };
      expect(res.status, body.error).toBe(status);
      expect(body.error).toMatch(error);
      expect(await current(pid)).toBe(before);
    });
  }

  test("the good message is still accepted afterwards (nothing was consumed)", async () => {
    const before = await current(pid);
    const res = await post(good, `/${pid}/schedule`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { slot: number }).slot).toBe(before + 1);
  });
});
