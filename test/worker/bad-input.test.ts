/**
 * Every class of bad input in docs/bad-input.md gets its 4xx and message, and changes no schedule
 * (D8, D9, docs/architecture.md). Rows here and rows in the doc are the same list.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { signItem } from "../../src/ans104/sign.ts";
import { fromB64url } from "../../src/crypto/base64url.ts";
import { processTags, signMessage } from "../support/items.ts";
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

const rows: Row[] = [
  ["truncated item", async () => post(good.raw.subarray(0, 100), `/${pid}/schedule`), 400, /truncated|needs \d+ bytes/],
  ["wrong signature length (cut in the signature)", async () => post(good.raw.subarray(0, 30), `/${pid}/schedule`), 400, /signature: needs 64 bytes/],
  ["bad target presence byte", async () => post(Object.assign(good.raw.slice(), { [98]: 5 }), `/${pid}/schedule`), 400, /target presence byte: must be 0 or 1, got 5/],
  ["tag-count mismatch", async () => { const b = good.raw.slice(); b[2 + 64 + 32 + 33 + 33] += 1; return post(b, `/${pid}/schedule`); }, 400, /tag-count|header says/],
  ["over-limit tags (129)", async () => post(await signItem(await testClient(), { target: fromB64url(pid), tags: Array.from({ length: 129 }, (_, i) => ({ name: `t${i}`, value: "v" })) }), `/${pid}/schedule`), 400, /129 tags exceeds the limit of 128/],
  ["over-limit tag value", async () => post(await signItem(await testClient(), { target: fromB64url(pid), tags: [{ name: "Type", value: "x".repeat(3073) }] }), `/${pid}/schedule`), 400, /3073 bytes exceeds the limit of 3072/],
  ["unknown signature type", async () => { const b = good.raw.slice(); b[0] = 42; return post(b, `/${pid}/schedule`); }, 400, /42 is not an ANS-104 signature type/],
  ["unverifiable signature type (Solana, 4)", async () => { const b = good.raw.slice(); b[0] = 4; return post(b, `/${pid}/schedule`); }, 400, /signature type 4 \(solana\); accepted types are 1/],
  ["bad signature", async () => post(flip(good.raw, good.raw.length - 1), `/${pid}/schedule`), 400, /signature does not verify/],
  ["unsigned item", async () => { const b = good.raw.slice(); b.fill(0, 2, 66); return post(b, `/${pid}/schedule`); }, 400, /is unsigned/],
  ["process without Type is just a message without target", async () => post(await signItem(await testClient(), { tags: processTags(await schedulerAddress()).filter((t) => t.name !== "Type") })), 400, /has no target/],
  ["process without Data-Protocol", async () => post(await signItem(await testClient(), { tags: processTags(await schedulerAddress()).filter((t) => t.name !== "Data-Protocol") })), 400, /missing required tag: Data-Protocol/],
  ["process without Module", async () => post(await signItem(await testClient(), { tags: processTags(await schedulerAddress()).filter((t) => t.name !== "Module") })), 400, /missing required tag: Module/],
  ["process without Scheduler", async () => post(await signItem(await testClient(), { tags: processTags("x").filter((t) => t.name !== "Scheduler") })), 400, /missing required tag: Scheduler/],
  ["process of another scheduler that cannot be found", async () => post(await signItem(await testClient(), { tags: processTags("fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY") })), 404, /^process [\w-]{43} names scheduler fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY, which is not this node \([\w-]{43}\) and cannot be located: no location record here \(no GATEWAY_URL is set to look one up\)$/],
  ["tag with +link", async () => post(await signMessage(await testClient(), pid, "x", [{ name: "Data+link", value: "y" }]), `/${pid}/schedule`), 400, /cannot contain \+link/],
  ["message to an unknown process", async () => post(await signMessage(await testClient(), "A".repeat(43)), "/~scheduler@1.0/schedule"), 404, /not known to this scheduler; spawn it first/],
  ["message posted under another process's path", async () => post(good, `/${"A".repeat(43)}/schedule`), 400, /was posted to A{43}/],
  ["schedule read without target", async () => call("/~scheduler@1.0/schedule"), 400, /target is required/],
  ["slot read without target", async () => call("/~scheduler@1.0/slot"), 400, /target is required/],
  ["malformed target", async () => call("/~scheduler@1.0/schedule?target=not-an-id"), 400, /target must be a 43-character base64url id/],
  ["malformed process id in the path", async () => call("/abc/schedule"), 400, /pid must be a 43-character base64url id/],
  ["schedule of an unknown process", async () => call(`/~scheduler@1.0/schedule?target=${"B".repeat(42)}A`), 404, /not known to this scheduler/],
  ["wrong content-type", async () => post(good, `/${pid}/schedule`, { "content-type": "application/json" }), 415, /unsupported content-type "application\/json"/],
  ["no content-type", async () => call(`/${pid}/schedule`, { method: "POST", body: good.raw }), 415, /content-type/],
  ["empty body", async () => post(new Uint8Array(0), `/${pid}/schedule`), 400, /empty body/],
  ["body over 10 MiB (declared)", async () => post(new Uint8Array(10 * 1024 * 1024 + 1), `/${pid}/schedule`), 413, /exceeds the limit of 10485760 bytes/],
  ["body over 10 MiB (streamed, no length)", async () => call(`/${pid}/schedule`, { method: "POST", headers: ANS104, body: stream(10 * 1024 * 1024 + 1), duplex: "half" } as RequestInit), 413, /exceeds the limit/],
  ["non-numeric from", async () => call(`/${pid}/schedule?from=abc`), 400, /from must be an integer from 0/],
  ["negative from", async () => call(`/${pid}/schedule?from=-5`), 400, /from must be an integer from 0/],
  ["negative to", async () => call(`/${pid}/schedule?to=-1`), 400, /to must be an integer from 0/],
  ["fractional to", async () => call(`/${pid}/schedule?to=1.5`), 400, /to must be an integer/],
  ["from after to", async () => call(`/${pid}/schedule?from=5&to=3`), 400, /^from \(5\) is after to \(3\): a range needs from <= to$/],
  ["legacy from after to (timestamps)", async () => call(`/${pid}?from=1700000000001&to=1700000000000`), 400, /^from \(1700000000001\) is after to \(1700000000000\)/],
  ["legacy from-nonce after to-nonce", async () => call(`/${pid}?from-nonce=4&to-nonce=2`), 400, /^from-nonce \(4\) is after to-nonce \(2\)/],
  ["limit 0 (a page that could never advance)", async () => call(`/${pid}/schedule?limit=0`), 400, /limit must be an integer from 1 to 1000/],
  ["lookahead 0", async () => call(`/~scheduler@1.0/next?target=${pid}&lookahead=0`), 400, /lookahead must be an integer from 1 to 1000/],
  ["a device path under a process-path route", async () => call("/~scheduler@1.0/slot/current"), 404, /no route for GET \/~scheduler@1.0\/slot\/current/],
  ["wait above 30 s", async () => call(`/~scheduler@1.0/next?target=${pid}&wait=30001`), 400, /wait must be an integer from 0 to 30000/],
  ["next slot not yet there", async () => call(`/~scheduler@1.0/next?target=${pid}&from=99`), 404, /slot 99 of process .* is not yet available/],
  ["unknown route", async () => call("/~scheduler@1.0/nope"), 404, /no route for GET/],
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
