/** Legacy SU writes (legacy-su.md §1.4, §2.5-2.8): POST / for processes, messages and assigns. */
import { beforeAll, describe, expect, test } from "vitest";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { signatureMessage, signItem } from "../../src/ans104/sign.ts";
import { encodeTags, tagValue } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import { fromB64url } from "../../src/crypto/base64url.ts";
import { utf8 } from "../../src/crypto/bytes.ts";
import { messageTags, processTags, signMessage, signProcess } from "../support/items.ts";
import { call, current, json, legacyPost, schedulerAddress, spawn, testClient } from "./support.ts";

let pid: string;
beforeAll(async () => {
  pid = (await spawn()).id;
});

describe("POST / answers {id, timestamp: number}", () => {
  test("process, message, and a re-post that answers the original and takes no slot", async () => {
    const process = await signProcess(await testClient(), await schedulerAddress(), [{ name: "Name", value: "legacy" }]);
    const spawned = await legacyPost(process);
    expect(spawned.status).toBe(200);
    const s = await json(spawned);
    expect(Object.keys(s).sort()).toEqual(["id", "timestamp"]);
    expect(s.id).toBe(process.id);
    expect(typeof s.timestamp).toBe("number");

    const m = await signMessage(await testClient(), process.id, "legacy message");
    const sent = await json(await legacyPost(m));
    expect(sent.id).toBe(m.id);
    expect(typeof sent.timestamp).toBe("number");
    expect(sent.timestamp).toBeGreaterThan(s.timestamp);

    const again = await legacyPost(m);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(sent);
    expect(await json(await legacyPost(process))).toEqual(s);
    expect(await current(process.id)).toBe(1);
  });

  test("RSA items signed with salt 478 (the SU's and Node signers') and salt 32 are both accepted", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "RSA-PSS", modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
    for (const saltLength of [478, 32]) {
      const fields = {
        signatureType: 1,
        owner: fromB64url(jwk.n!),
        target: fromB64url(pid),
        anchor: utf8(`salt-${saltLength}`.padEnd(32, ".")),
        tagBytes: encodeTags(messageTags()),
        tagCount: messageTags().length,
        data: utf8(`salt ${saltLength}`),
      };
      const signature = new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength }, pair.privateKey, await signatureMessage(fields)));
      const item = parseItem(serializeItem({ ...fields, signature }));
      const res = await legacyPost(item);
      expect(res.status, `salt ${saltLength}`).toBe(200);
      expect((await json(res)).id).toBe(item.id);
    }
  });
});

describe("legacy validation (each a 4xx naming the problem, no slot taken)", () => {
  const bad = async (label: string, item: () => Promise<DataItem | Uint8Array | undefined>, query: string, status: number, error: RegExp) => {
    test(label, async () => {
      const before = await current(pid);
      const res = await legacyPost(await item(), query.replace("PID", pid)); // pid exists only once beforeAll ran
      const body = await json(res);
      expect(res.status, body.error).toBe(status);
      expect(body.error).toMatch(error);
      expect(await current(pid)).toBe(before);
    });
  };
  const client = () => testClient();
  const withTags = async (tags: { name: string; value: string }[]) => signItem(await client(), { target: fromB64url(pid), tags });

  bad("No Type tag / Type other than Process or Message: no Type tag", () => withTags(messageTags().filter((t) => t.name !== "Type")), "", 400, /has no Type tag/);
  bad("No Type tag / Type other than Process or Message: Type Cron", () => withTags(messageTags().map((t) => (t.name === "Type" ? { ...t, value: "Cron" } : t))), "", 400, /Type "Cron"; expected Process or Message/);
  bad("No Data-Protocol tag", () => withTags(messageTags().filter((t) => t.name !== "Data-Protocol")), "", 400, /has no Data-Protocol tag/);
  bad("Tag name or value ending in +link, on POST /", () => withTags([...messageTags(), { name: "Data+link", value: "x" }]), "", 400, /cannot contain \+link/);
  bad("process without Module and Scheduler", async () => signItem(await client(), { tags: processTags("x").filter((t) => t.name !== "Module" && t.name !== "Scheduler") }), "", 400, /missing required tags: Module, Scheduler/);
  bad("Message or assign to an unknown process: a message", async () => signMessage(await client(), "A".repeat(43)), "", 404, /not known to this scheduler/);
  bad("process-id that is not the item's process", async () => signMessage(await client(), pid), "?process-id=" + "A".repeat(43), 400, /not process-id A{43}/);
  bad("empty body", async () => undefined, "", 400, /empty body/);
  bad("process-id alone with an empty body, or assign without process-id: process-id alone", async () => undefined, "?process-id=PID", 400, /you must send both/);
  bad("process-id alone with an empty body, or assign without process-id: assign alone", async () => undefined, "?assign=" + "B".repeat(42) + "A", 400, /you must send both/);
  bad("assign not 43 characters / not an id: 42 characters", async () => undefined, "?process-id=PID&assign=" + "B".repeat(42), 400, /assign param must be 43 characters/);
  bad("assign not 43 characters / not an id: 43 characters, not base64url", async () => undefined, "?process-id=PID&assign=" + "!".repeat(43), 400, /assign must be a base64url id, got "!{43}"/);
  bad("assign of an id neither held nor confirmed by the gateway: no GATEWAY_URL to ask", async () => undefined, "?process-id=PID&assign=" + "C".repeat(42) + "A", 404, /Transaction not found.*no GATEWAY_URL/);
  bad("Message or assign to an unknown process: an assign", async () => undefined, `?process-id=${"D".repeat(42)}A&assign=${"C".repeat(42)}A`, 404, /not known to this scheduler/);
  bad("Signature does not verify, on POST /", async () => { const m = (await signMessage(await client(), pid)).raw.slice(); m[m.length - 1] ^= 1; return m; }, "", 400, /signature does not verify/);
});

describe("assign", () => {
  test("an item just scheduled on another process is assigned at once, with its bytes; the answer is the assignment id", async () => {
    const other = (await spawn()).id;
    const m = await signMessage(await testClient(), other, "held elsewhere");
    expect((await legacyPost(m)).status).toBe(200);
    // What a messenger does for Assignments: the assign follows the message immediately.
    const res = await legacyPost(undefined, `?process-id=${pid}&assign=${m.id}&exclude=a, b`);
    expect(res.status).toBe(200);
    const { id, timestamp } = await json(res);
    expect(typeof timestamp).toBe("number");
    const node = await json(await call(`/${id}?process-id=${pid}`));
    expect(node.assignment.id).toBe(id);
    expect(node.message.id).toBe(m.id);
    const tags = node.assignment.tags as { name: string; value: string }[];
    expect(tags.filter((t) => t.name === "Exclude").map((t) => t.value)).toEqual(["a", "b"]);
    expect(tags.find((t) => t.name === "Message")!.value).toBe(m.id);
    expect(tags.find((t) => t.name === "Process")!.value).toBe(pid);
  });

  test("an item of the same process is assigned again with a new slot, as the SU does", async () => {
    const m = await signMessage(await testClient(), pid, "twice");
    await legacyPost(m);
    const before = await current(pid);
    const res = await legacyPost(undefined, `?process-id=${pid}&assign=${m.id}`);
    expect(res.status).toBe(200);
    expect(await current(pid)).toBe(before + 1);
    const latest = await json(await call(`/${pid}/latest`));
    expect(latest.message.id).toBe(m.id);
    const assignment = latest.assignment as { tags: { name: string; value: string }[] };
    expect(tagValue(assignment.tags, "Nonce")).toBe(String(before + 1));
  });

  test("assign whose assignment would break the D8 tag limits (too many or too long exclude values, with the process's Variant): a long exclude, and a long Variant, refused with no slot taken", async () => {
    const m = await signMessage(await testClient(), pid, "long exclude");
    await legacyPost(m);
    const before = await current(pid);
    const res = await legacyPost(undefined, `?process-id=${pid}&assign=${m.id}&exclude=${"e".repeat(3100)}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(/3100 bytes exceeds the limit of 3072/);
    expect(await current(pid)).toBe(before);

    // A long Variant on the process counts too: its assignments carry it.
    const process = await signItem(await testClient(), { tags: processTags(await schedulerAddress()).map((t) => (t.name === "Variant" ? { ...t, value: "v".repeat(3000) } : t)) });
    expect((await legacyPost(process)).status).toBe(200);
    const item = await signMessage(await testClient(), process.id, "x");
    await legacyPost(item);
    const excludes = Array.from({ length: 63 }, (_, i) => `${"x".repeat(20)}${i}`).join(",");
    const refused = await legacyPost(undefined, `?process-id=${process.id}&assign=${item.id}&exclude=${excludes}`);
    expect(refused.status).toBe(400);
    expect((await json(refused)).error).toMatch(/exceeds the limit of 4096/);
    expect(await current(process.id)).toBe(1);
  });

  test("assign whose assignment would break the D8 tag limits (too many or too long exclude values, with the process's Variant): too many exclude values, refused before anything is signed", async () => {
    const m = await signMessage(await testClient(), pid, "excluded");
    await legacyPost(m);
    const before = await current(pid);
    const many = Array.from({ length: 200 }, (_, i) => `x${i}`).join(",");
    const res = await legacyPost(undefined, `?process-id=${pid}&assign=${m.id}&exclude=${many}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(/assignment: tag count: 210 tags exceeds the limit of 128/);
    expect(await current(pid)).toBe(before);
  });
});

test("messages signed by the test client, as these tests post them, verify with our own verifier (sanity)", async () => {
  const m = await signMessage(await testClient(), pid);
  expect(await verifyItem(m)).toBe("valid");
});
