/** Spawn, schedule and read back through the HyperBEAM surface, in all three formats. */
import { describe, expect, test } from "vitest";
import { tagValue } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import { equal } from "../../src/crypto/bytes.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { chainNext, chainSeed } from "../../src/schedule/hash-chain.ts";
import { itemFromJson, type ItemJson } from "../../src/formats/item-json.ts";
import { bundleOf, call, json, post, schedulerAddress, send, spawn, testClient } from "./support.ts";
import { signMessage } from "../support/items.ts";

describe("schedule flow", () => {
  test("spawn answers slot 0; messages take 1..n; the bundle verifies and chains", async () => {
    const process = await spawn();
    const pid = process.id;
    const sent = [];
    for (let i = 1; i <= 10; i++) {
      const { res, item } = await send(pid, `message ${i}`);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.slot).toBe(i);
      expect(body.message).toBe(item.id);
      expect(body.body.commitments[item.id]).toBeDefined();
      sent.push(item);
    }
    const items = await bundleOf(pid);
    expect(items).toHaveLength(22); // 11 assignments, each followed by its message
    const address = await schedulerAddress();
    let prev: { id: string; chain: string } | undefined;
    let lastStamp = 0;
    for (let slot = 0; slot <= 10; slot++) {
      const [a, m] = [items[2 * slot], items[2 * slot + 1]];
      expect(await verifyItem(a), `assignment ${slot}`).toBe("valid");
      expect(await verifyItem(m), `message ${slot}`).toBe("valid");
      const info = readAssignment(a);
      expect(info.slot).toBe(slot);
      expect(info.processId).toBe(pid);
      expect(info.hashChain).toBe(prev ? chainNext(prev.id, prev.chain) : chainSeed(pid));
      expect(info.timestamp).toBeGreaterThan(lastStamp);
      expect(m.id).toBe(slot === 0 ? pid : sent[slot - 1].id);
      expect(tagValue(a.tags, "Message")).toBe(slot === 0 ? undefined : m.id);
      const { addressOf } = await import("../../src/crypto/ids.ts");
      expect(addressOf(a.owner)).toBe(address);
      prev = { id: a.id, chain: info.hashChain };
      lastStamp = info.timestamp;
    }
  });

  test("JSON is lossless: every item rebuilds to its exact bytes; aos-2 has the §6.1 shape", async () => {
    const { id: pid } = await spawn();
    await send(pid, "one");
    await send(pid, "two");
    const bundle = await bundleOf(pid);
    const page = await json(await call(`/${pid}/schedule`, { headers: { accept: "application/json" } }));
    expect(page).toMatchObject({ type: "schedule", process: pid, continues: false });
    expect(Object.keys(page.assignments)).toEqual(["0", "1", "2"]);
    for (const [slot, a] of Object.entries(page.assignments as Record<string, ItemJson & { body: ItemJson; slot: number }>)) {
      expect(a.slot).toBe(Number(slot));
      expect(a.nonce).toBe(slot);
      expect(a["hash-chain"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(equal(itemFromJson(a), bundle[2 * Number(slot)].raw), `assignment ${slot}`).toBe(true);
      expect(equal(itemFromJson(a.body), bundle[2 * Number(slot) + 1].raw), `message ${slot}`).toBe(true);
    }
    const aos2 = await json(await call(`/~scheduler@1.0/schedule?target=${pid}&from=1`, { headers: { accept: "application/aos-2" } }));
    expect(aos2.page_info).toMatchObject({ process: pid, has_next_page: false });
    expect(typeof aos2.page_info.timestamp).toBe("string");
    expect(aos2.edges.map((e: { cursor: number }) => e.cursor)).toEqual([1, 2]);
    const edge = aos2.edges[0].node;
    expect(edge.message.Data).toBe("one");
    expect(edge.message.Target).toBe(pid);
    expect(edge.assignment.Tags.find((t: { name: string }) => t.name === "Nonce").value).toBe("1");
    expect(edge.assignment.Owner).toBe(await schedulerAddress());
  });

  test("ranges are inclusive; from/to in the query, inline keys and +integer forms agree", async () => {
    const { id: pid } = await spawn();
    for (let i = 0; i < 5; i++) await send(pid, `r${i}`);
    const slots = async (path: string) => Object.keys((await json(await call(path))).assignments).map(Number);
    expect(await slots(`/~scheduler@1.0/schedule?target=${pid}&from=2&to=4`)).toEqual([2, 3, 4]);
    expect(await slots(`/~scheduler@1.0/schedule&target=${pid}&from=2&to=4`)).toEqual([2, 3, 4]);
    expect(await slots(`/~scheduler@1.0/schedule?target=${pid}&from+integer=3`)).toEqual([3, 4, 5]);
    expect(await slots(`/${pid}/~scheduler@1.0/schedule?to=1`)).toEqual([0, 1]);
    expect(await slots(`/${pid}/schedule?from=9`)).toEqual([]);
    expect(await slots(`/%7Escheduler%401.0/schedule?target=${pid}&from=5`)).toEqual([5]); // percent-encoded device
  });

  test("a key given twice means its first value in every form: a bad first value is refused even when a + rewrites the URL", async () => {
    const { id: pid } = await spawn();
    await send(pid, "second");
    const plain = await call(`/${pid}/schedule?to=R+N&to=0`);
    expect(plain.status).toBe(400);
    expect((await plain.json<{ error: string }>()).error).toBe('to must be an integer from 0 to 9007199254740991, got "R N"');
    const slots = async (path: string) => Object.keys((await json(await call(path))).assignments).map(Number);
    expect(await slots(`/~scheduler@1.0/schedule&target=${pid}&from=1&from+integer=0`)).toEqual([1]);
  });

  test("pages hold at most 1000 assignments and continues is exact", async () => {
    const { id: pid } = await spawn();
    const client = await testClient();
    for (let i = 0; i < 12; i++) await post(await signMessage(client, pid, `p${i}`), `/${pid}/schedule`);
    const page = async (q: string) => json(await call(`/${pid}/schedule?${q}`));
    expect((await page("limit=5")).continues).toBe(true);
    expect((await page("from=8&limit=5")).continues).toBe(false); // 8..12 is the end
    expect((await page("from=0&to=4&limit=5")).continues).toBe(false);
    expect((await page("from=0&to=5&limit=5")).continues).toBe(true);
    const res = await call(`/${pid}/schedule?limit=1001`);
    expect(res.status).toBe(400);
  });

  test("posting with codec-device ans104@1.0 works like application/ans104; accept ans104 answers raw bytes", async () => {
    const { id: pid } = await spawn();
    const item = await signMessage(await testClient(), pid, "codec");
    const res = await post(item, `/${pid}/~scheduler@1.0/schedule`, { "codec-device": "ans104@1.0", accept: "application/ans104" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ans104");
    const { parseItem } = await import("../../src/ans104/parse.ts");
    const assignment = parseItem(new Uint8Array(await res.arrayBuffer()));
    expect(tagValue(assignment.tags, "Message")).toBe(item.id);
    expect(await verifyItem(assignment)).toBe("valid");
  });
});
