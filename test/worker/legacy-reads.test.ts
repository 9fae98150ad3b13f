/** Legacy SU reads (legacy-su.md §1.2-1.9, §4.1): pages, nodes, latest, processes, and the CU's pager. */
import { beforeAll, describe, expect, test } from "vitest";
import { serializeItem } from "../../src/ans104/serialize.ts";
import { encodeTags, tagValue, type Tag } from "../../src/ans104/tags.ts";
import { verifyItem } from "../../src/ans104/verify.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { b64url, fromB64url } from "../../src/crypto/base64url.ts";
import { concat, utf8 } from "../../src/crypto/bytes.ts";
import { sha256 } from "../../src/crypto/hash.ts";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { indexedProcess, shardName, SHARDS } from "../../worker/objects/index-object.ts";
import { forgetRecentIds } from "../../worker/routing/recent-ids.ts";
import { signItem } from "../../src/ans104/sign.ts";
import { messageTags, signMessage } from "../support/items.ts";
import { call, eventually, json, legacyPost, schedulerAddress, spawn, testClient } from "./support.ts";

type Node = { message: null | { id: string; owner: { key: string; address: string }; signature: string; tags: Tag[]; data: string; target: string | null; anchor: string | null }; assignment: { id: string; owner: { key: string; address: string }; tags: Tag[]; signature: string; anchor: string | null; target: string } };
type Page = { page_info: { has_next_page: boolean }; edges: { node: Node; cursor: string }[] };

const nonce = (n: Node) => Number(tagValue(n.assignment.tags, "Nonce"));

let pid: string;
const sent: string[] = [];
beforeAll(async () => {
  pid = (await spawn()).id;
  for (let i = 0; i < 12; i++) {
    const m = await signMessage(await testClient(), pid, `msg ${i}`);
    await legacyPost(m);
    sent.push(m.id);
  }
});

/** Pages the way the compute unit does (§4.1): from = last cursor, until has_next_page is false. */
async function cuPager(target: string, limit: number, to?: string): Promise<Node[]> {
  const nodes: Node[] = [];
  let from: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const q = new URLSearchParams({ "process-id": target });
    if (from !== undefined) q.set("from", from);
    if (to !== undefined) q.set("to", to);
    q.set("limit", String(limit));
    const page = await json<Page>(await call(`/${target}?${q}`));
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.page_info.has_next_page) return nodes;
    from = page.edges.at(-1)!.cursor;
  }
  throw new Error("pager did not end");
}

/** The CU's hash-chain check (ao-su.js isHashChainValid): sha256(raw(prev assignment id) ‖ raw(prev chain)). */
function cuChainValid(nodes: Node[]): boolean {
  for (let i = 1; i < nodes.length; i++) {
    const prev = nodes[i - 1].assignment;
    const expected = b64url(sha256(concat(fromB64url(prev.id), fromB64url(tagValue(prev.tags, "Hash-Chain")!))));
    if (tagValue(nodes[i].assignment.tags, "Hash-Chain") !== expected) return false;
  }
  return true;
}

describe("pages", () => {
  test("the default page: process as edge 0, cursors are Timestamp strings, has_next_page false", async () => {
    const page = await json<Page>(await call(`/${pid}?process-id=${pid}`));
    expect(page.page_info.has_next_page).toBe(false);
    expect(page.edges).toHaveLength(13);
    expect(page.edges[0].node.message!.id).toBe(pid);
    expect(page.edges[0].node.message!.target).toBeNull();
    expect(tagValue(page.edges[0].node.assignment.tags, "Message")).toBeUndefined();
    expect(page.edges.slice(1).map((e) => e.node.message!.id)).toEqual(sent);
    for (const e of page.edges) {
      expect(e.cursor).toBe(tagValue(e.node.assignment.tags, "Timestamp"));
      expect(e.node.assignment.target).toBe("");
      expect(e.node.assignment.owner.address).toBe(await schedulerAddress());
    }
    expect(page.edges[1].node.message!.data).toBe("msg 0");
    expect(page.edges[1].node.message!.target).toBe(pid);
  });

  test("process-id is optional; limit counts the process; from exclusive, to inclusive", async () => {
    const all = await json<Page>(await call(`/${pid}`));
    const stamps = all.edges.map((e) => e.cursor);
    const limited = await json<Page>(await call(`/${pid}?limit=5`));
    expect(limited.edges.map((e) => nonce(e.node))).toEqual([0, 1, 2, 3, 4]);
    expect(limited.page_info.has_next_page).toBe(true);
    const window = await json<Page>(await call(`/${pid}?from=${stamps[3]}&to=${stamps[6]}`));
    expect(window.edges.map((e) => nonce(e.node))).toEqual([4, 5, 6]);
    expect(window.page_info.has_next_page).toBe(false);
    const exact = await json<Page>(await call(`/${pid}?from=${stamps[3]}&to=${stamps[6]}&limit=3`));
    expect(exact.page_info.has_next_page).toBe(false); // the bound is reached: nothing more within it
    const short = await json<Page>(await call(`/${pid}?from=${stamps[3]}&to=${stamps[7]}&limit=3`));
    expect(short.page_info.has_next_page).toBe(true);
    expect((await json<Page>(await call(`/${pid}?from=${stamps[12]}`))).edges).toEqual([]);
  });

  test("nonce mode: from-nonce exclusive, to-nonce inclusive, -1 includes the process, cursors are Nonces", async () => {
    const mid = await json<Page>(await call(`/${pid}?process-id=${pid}&from-nonce=10&to-nonce=12`));
    expect(mid.edges.map((e) => e.cursor)).toEqual(["11", "12"]);
    const start = await json<Page>(await call(`/${pid}?from-nonce=-1&to-nonce=1`));
    expect(start.edges.map((e) => e.cursor)).toEqual(["0", "1"]);
    expect(start.edges[0].node.message!.id).toBe(pid);
  });

  test("assignments verify from the page JSON alone (ASCII anchors)", async () => {
    const page = await json<Page>(await call(`/${pid}?limit=3`));
    expect(page.edges).toHaveLength(3);
    for (const { node } of page.edges) {
      const a = node.assignment;
      expect(a.anchor).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const raw = serializeItem({
        signatureType: fromB64url(a.owner.key).length === 32 ? 2 : 1,
        signature: fromB64url(a.signature),
        owner: fromB64url(a.owner.key),
        anchor: utf8(a.anchor!),
        tagBytes: encodeTags(a.tags),
        tagCount: a.tags.length,
        data: new Uint8Array(0),
      });
      const item = parseItem(raw);
      expect(item.id).toBe(a.id);
      expect(await verifyItem(item)).toBe("valid");
    }
  });

  test("show-anchor over HTTP: a message with a binary anchor shows it as null by default (as the SU does) and as base64url with show-anchor, from which the item rebuilds and verifies", async () => {
    const target = (await spawn()).id;
    const binary = new Uint8Array(32).fill(0xfe);
    const m = await signItem(await testClient(), { target: fromB64url(target), anchor: binary, tags: messageTags(), data: utf8("binary anchor") });
    expect((await legacyPost(m)).status).toBe(200);
    const plain = await json<Page>(await call(`/${target}?process-id=${target}&from-nonce=0&to-nonce=1`));
    expect(plain.edges).toHaveLength(1);
    expect(plain.edges[0].node.message!.anchor).toBeNull();
    const shown = await json<Page>(await call(`/${target}?process-id=${target}&from-nonce=0&to-nonce=1&show-anchor=true`));
    expect(shown.edges).toHaveLength(1);
    const node = shown.edges[0].node.message!;
    expect(node.anchor).toBe(b64url(binary));
    const rebuilt = parseItem(serializeItem({ signatureType: 2, signature: fromB64url(node.signature), owner: fromB64url(node.owner.key), target: fromB64url(node.target!), anchor: fromB64url(node.anchor!), tagCount: node.tags.length, tagBytes: encodeTags(node.tags), data: utf8(node.data) }));
    expect(rebuilt.id).toBe(m.id);
    expect(await verifyItem(rebuilt)).toBe("valid");
  });

  test("Non-integer from, to, limit, from-nonce, to-nonce; limit < 1; from-nonce or to-nonce < -1; any above the largest exact integer: each a 400", async () => {
    const cases = ["from=abc", "to=1.5", "limit=0", "limit=x", "from-nonce=-2", "from-nonce=1.5", "to-nonce=x", "to-nonce=-5", "from-nonce=9999999999999999"];
    expect(cases).toHaveLength(9);
    for (const q of cases) {
      const res = await call(`/${pid}?${q}`);
      expect(res.status, q).toBe(400);
      expect((await json(res)).error, q).toMatch(/must be an integer/);
    }
  });

  test("Malformed process-id or path id: a 400 naming it", async () => {
    const query = await call(`/${pid}?process-id=nope`);
    expect(query.status).toBe(400);
    expect((await json(query)).error).toBe('process-id must be a 43-character base64url id, got "nope" (4 characters, not 43)');
    const path = await call("/not-an-id");
    expect(path.status).toBe(400);
    expect((await json(path)).error).toMatch(/must be a 43-character base64url id, got "not-an-id"/);
  });
});

describe("single reads", () => {
  test("GET /{messageId} and /{assignmentId}, with and without process-id (global index)", async () => {
    const byMessage = await json<Node>(await call(`/${sent[4]}?process-id=${pid}`));
    expect(byMessage.message!.id).toBe(sent[4]);
    expect(nonce(byMessage)).toBe(5);
    const byAssignment = await json<Node>(await call(`/${byMessage.assignment.id}?process-id=${pid}`));
    expect(byAssignment).toEqual(byMessage);
    // This isolate remembers what it just scheduled; past that, the global index answers.
    expect(await json<Node>(await call(`/${sent[4]}`))).toEqual(byMessage);
    forgetRecentIds();
    await eventually(async () => (await indexedProcess(env, sent[4])) === pid && (await indexedProcess(env, byMessage.assignment.id)) === pid);
    expect(await json<Node>(await call(`/${sent[4]}`))).toEqual(byMessage);
    expect(await json<Node>(await call(`/${byMessage.assignment.id}`))).toEqual(byMessage);
    // process-id is a hint, never a filter: a wrong one still finds the message.
    const other = (await spawn()).id;
    expect((await json<Node>(await call(`/${sent[4]}?process-id=${other}`))).message!.id).toBe(sent[4]);
  });

  test("a process id without process-id gives its page; Unknown id on GET /{id}: 404", async () => {
    const page = await json<Page>(await call(`/${pid}`));
    expect(page.edges[0].node.message!.id).toBe(pid);
    const unknown = await call(`/${"Q".repeat(42)}A`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatch(/Message or Process not found/);
  });

  test("/{pid}/latest: the process's own node before any message, the last slot after", async () => {
    const fresh = (await spawn()).id;
    const before = await json<Node>(await call(`/${fresh}/latest`));
    expect(before.message!.id).toBe(fresh);
    expect(nonce(before)).toBe(0);
    const m = await signMessage(await testClient(), fresh, "last");
    await legacyPost(m);
    const after = await json<Node>(await call(`/${fresh}/latest`));
    expect(after.message!.id).toBe(m.id);
    expect(nonce(after)).toBe(1);
    expect((await call(`/${"R".repeat(42)}A/latest`)).status).toBe(404);
  });

  test("Unknown process on /{pid}/latest, /processes/{pid}: 404 naming it", async () => {
    const unknown = `${"R".repeat(42)}A`;
    for (const path of [`/${unknown}/latest`, `/processes/${unknown}`]) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      expect((await json(res)).error, path).toMatch(new RegExp(`process ${unknown} is not known to this scheduler`));
    }
  });

  test("/processes/{pid}: the process with its assignment's block and timestamp", async () => {
    const info = await json(await call(`/processes/${pid}`));
    expect(info.process_id).toBe(pid);
    expect(info.block).toMatch(/^\d{12}$/);
    expect(typeof info.timestamp).toBe("number");
    expect(info.target).toBeNull();
    expect(info.tags).toContainEqual({ name: "Type", value: "Process" });
    expect((await call(`/processes/${"R".repeat(42)}A`)).status).toBe(404);
  });
});

describe("the compute unit's pager", () => {
  test("reads every slot exactly once while 32 writers keep posting; the chain checks like the CU's", async () => {
    const target = (await spawn()).id;
    const client = await testClient();
    const items = await Promise.all(Array.from({ length: 320 }, (_, i) => signMessage(client, target, `w${i}`)));
    let next = 0;
    const writers = Array.from({ length: 32 }, async () => {
      while (next < items.length) expect((await legacyPost(items[next++])).status).toBe(200);
    });
    const readsDuring: Node[][] = [];
    const reader = (async () => {
      while (next < items.length) readsDuring.push(await cuPager(target, 7));
    })();
    await Promise.all([...writers, reader]);
    const final = await cuPager(target, 1000);
    for (const nodes of [...readsDuring, final]) {
      expect(nodes.map(nonce)).toEqual(nodes.map((_, i) => i)); // contiguous from 0, no loss, no repeat
      expect(cuChainValid(nodes)).toBe(true);
    }
    expect(final).toHaveLength(321);
    expect(readsDuring.length).toBeGreaterThan(0);
  }, 120_000);

  test("many messages in the same millisecond still page exactly by timestamp", async () => {
    const target = (await spawn()).id;
    const client = await testClient();
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => signMessage(client, target, `b${i}`)));
    await Promise.all(burst.map((m) => legacyPost(m)));
    const nodes = await cuPager(target, 3);
    expect(nodes.map(nonce)).toEqual(Array.from({ length: 41 }, (_, i) => i));
    const stamps = nodes.map((n) => Number(tagValue(n.assignment.tags, "Timestamp")));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1]);
  });
});

describe("node routes", () => {
  test("GET / (timestamp string, address), /timestamp, /health (checks as JSON), /metrics, CORS", async () => {
    const root = await json(await call("/"));
    expect(root).toEqual({ timestamp: expect.stringMatching(/^\d{13}$/), address: await schedulerAddress() });
    const t = await json(await call(`/timestamp?process-id=${pid}`));
    expect(t.timestamp).toMatch(/^\d{13}$/);
    expect(t.block_height).toMatch(/^\d{12}$/);
    const health = await call("/health");
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({
      status: "ok",
      checks: { identity: { ok: true, address: await schedulerAddress() }, storage: { ok: true }, gateway: { configured: false, note: expect.stringMatching(/Block-Height 0/) } },
    });
    const info = await json(await call("/~scheduler@1.0/info"));
    expect(info).toMatchObject({ gateway: null, warnings: [expect.stringMatching(/^GATEWAY_URL is not set: every assignment carries Block-Height 0/)] });
    const metrics = await (await call("/metrics")).text();
    expect(metrics).toMatch(/^ao_scheduler_assignments_total\{kind="message"\} \d+$/m);
    expect(metrics).toMatch(/^ao_scheduler_requests_total\{method="POST",route="\/",status="200"\} \d+$/m);
    expect(metrics).toMatch(/^su_core_metrics_duration_milliseconds_bucket\{function_name="\/:id",le="\+Inf"\} \d+$/m);
    expect(metrics).toMatch(/^ao_scheduler_errors_total\{status="404"\} \d+$/m);
    const preflight = await call("/", { method: "OPTIONS", headers: { origin: "https://example.com", "access-control-request-method": "POST" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect((await call(`/${pid}`, { headers: { origin: "https://example.com" } })).headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("the global index", () => {
  test("a process's ids are all held by its own shard, where a lookup (which asks every shard) finds them; one another shard holds (placed by id, as before) is found too; an id nobody holds is found in none", async () => {
    const target = (await spawn()).id;
    const m = await signMessage(await testClient(), target, "one shard");
    expect((await legacyPost(m)).status).toBe(200);
    const assignment = (await json<Node>(await call(`/${m.id}?process-id=${target}`))).assignment.id;
    const ids = [target, m.id, assignment];
    await eventually(async () => (await Promise.all(ids.map((id) => indexedProcess(env, id)))).every((p) => p === target));
    for (let n = 0; n < SHARDS; n++) {
      const held = await runInDurableObject(env.INDEX.getByName(`ids-${n}`), (_, state) =>
        state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'ids'").toArray().length
          ? state.storage.sql.exec<{ id: string }>(`SELECT id FROM ids WHERE id IN (${ids.map(() => "?").join(",")})`, ...ids).toArray().map((r) => r.id)
          : [],
      );
      expect(held.sort(), `shard ids-${n}`).toEqual(`ids-${n}` === shardName(target) ? [...ids].sort() : []);
    }
    const placedById = b64url(crypto.getRandomValues(new Uint8Array(32)));
    await env.INDEX.getByName(`ids-${(Number(shardName(target).slice(4)) + 5) % SHARDS}`).put(target, [placedById]);
    expect(await indexedProcess(env, placedById)).toBe(target);
    const unknown = "u".repeat(43);
    expect(await indexedProcess(env, unknown)).toBeUndefined();
  });

  test("a failing shard: an id another shard holds is still found, a process id falls back to its own object, and an id nobody else holds is a 503 naming the shard, not a 404", async () => {
    const target = (await spawn()).id;
    await eventually(async () => (await indexedProcess(env, target)) === target);
    const broken = shardName(target); // holds the process's own ids, so it has its table and its reads run SQL
    const elsewhere = b64url(crypto.getRandomValues(new Uint8Array(32)));
    await env.INDEX.getByName(`ids-${(Number(broken.slice(4)) + 1) % SHARDS}`).put(target, [elsewhere]);
    const shard = env.INDEX.getByName(broken);
    const rename = (from: string, to: string) => runInDurableObject(shard, (_, state) => void state.storage.sql.exec(`ALTER TABLE ids RENAME COLUMN ${from} TO ${to}`));
    const unknown = b64url(crypto.getRandomValues(new Uint8Array(32)));
    forgetRecentIds();
    await rename("process_id", "broken");
    try {
      expect(await indexedProcess(env, elsewhere)).toBe(target);
      await expect(indexedProcess(env, target)).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining(`shard ${broken} failed`) });
      const page = await call(`/${target}`);
      expect(page.status).toBe(200);
      expect((await json<Page>(page)).edges[0].node.assignment.tags).toContainEqual({ name: "Process", value: target });
      const res = await call(`/${unknown}`);
      expect(res.status).toBe(503);
      const { error } = await json<{ error: string }>(res);
      expect(error).toContain(`the global id index could not be read: shard ${broken} failed`);
      expect(error, "what the shard threw stays in the node's log").not.toMatch(/process_id|column|SQL/i);
    } finally {
      await rename("broken", "process_id");
    }
    expect(await indexedProcess(env, target)).toBe(target);
    expect(await indexedProcess(env, unknown)).toBeUndefined();
  });

  test("a shard that does not answer within the lookup's deadline counts as failed: an id another shard holds is found, one nobody holds is an error naming the shard and the deadline, and neither waits for the shard", async () => {
    const target = (await spawn()).id;
    await eventually(async () => (await indexedProcess(env, target)) === target);
    const stuck = shardName(target);
    const elsewhere = b64url(crypto.getRandomValues(new Uint8Array(32)));
    await env.INDEX.getByName(`ids-${(Number(stuck.slice(4)) + 1) % SHARDS}`).put(target, [elsewhere]);
    const unknown = b64url(crypto.getRandomValues(new Uint8Array(32)));
    // The shard takes no call for 3 s, as an object stuck behind a long operation would.
    let released = false;
    const blocked = runInDurableObject(env.INDEX.getByName(stuck), (_, state) => state.blockConcurrencyWhile(() => new Promise((r) => setTimeout(r, 3_000)))).then(() => void (released = true));
    try {
      expect(await indexedProcess(env, elsewhere, 300)).toBe(target);
      await expect(indexedProcess(env, unknown, 300)).rejects.toMatchObject({ code: "unavailable", message: `the global id index could not be read: shard ${stuck} did not answer within 300 ms` });
      expect(released, "both lookups answered while the shard was still stuck").toBe(false);
    } finally {
      await blocked;
    }
    expect(await indexedProcess(env, target)).toBe(target);
  });

  test("ids published under another shard layout are published again", async () => {
    const target = (await spawn()).id;
    const m = await signMessage(await testClient(), target, "relaid");
    await legacyPost(m);
    const stub = env.PROCESS.getByName(target);
    await eventually(async () => (await indexedProcess(env, m.id)) === target);
    // Let every alarm the writes armed run first, so only ours runs below.
    await eventually(() => runInDurableObject(stub, async (_, state) => (await state.storage.getAlarm()) === null));
    // As if an older version had published everything under a layout no shard has kept: no shard has the id.
    for (let n = 0; n < SHARDS; n++) {
      await runInDurableObject(env.INDEX.getByName(`ids-${n}`), (_, state) => {
        if (state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'ids'").toArray().length) state.storage.sql.exec("DELETE FROM ids WHERE id = ?", m.id);
      });
    }
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("UPDATE meta SET value = 'shards-64' WHERE key = 'index_layout'");
    });
    expect(await indexedProcess(env, m.id)).toBeUndefined();
    await runInDurableObject(stub, (instance) => instance.alarm());
    expect(await indexedProcess(env, m.id)).toBe(target);
    await runInDurableObject(stub, (_, state) => {
      expect(state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'index_layout'").one().value).toBe("shards-16");
    });
  });
});
