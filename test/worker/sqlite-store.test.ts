/** SqliteStore passes the Store conformance suite in a real SQLite-backed Durable Object, immediate and deferred. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { call } from "./support.ts";
import { SqliteStore } from "../../worker/objects/sqlite-store.ts";
import { runStoreSuite, slotOf } from "../core/schedule/store.case.ts";

const fresh = () => env.PROCESS.getByName(crypto.randomUUID());

runStoreSuite({
  name: "SqliteStore",
  withStore: (body) => runInDurableObject(fresh(), (_, state) => body(new SqliteStore(state.storage))),
});

runStoreSuite({
  name: "SqliteStore, deferred (aggressive mode)",
  withStore: (body) => runInDurableObject(fresh(), (_, state) => body(new SqliteStore(state.storage, { deferred: true }))),
});

test("messages over 1 MiB (PART_BYTES) are split into 1 MiB parts; small ones stay in the row", () =>
  runInDurableObject(fresh(), async (_, state) => {
    const store = new SqliteStore(state.storage);
    await store.append(slotOf(0, { message: new Uint8Array(3 * 1024 * 1024) }));
    await store.append(slotOf(1));
    const rows = state.storage.sql.exec<{ slot: number; parts: number; inline: number }>("SELECT slot, message_parts AS parts, length(message) AS inline FROM slots ORDER BY slot").toArray();
    expect(rows).toEqual([
      { slot: 0, parts: 3, inline: null },
      { slot: 1, parts: 0, inline: 51 },
    ]);
  }));

test("a deferred append is written by the end of the turn, before any read", () =>
  runInDurableObject(fresh(), async (_, state) => {
    const store = new SqliteStore(state.storage, { deferred: true });
    await store.append(slotOf(0));
    const count = () => (store.ready ? state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM slots").one().n : 0);
    expect(count()).toBe(0); // not yet written (not even the schema): the reply may go out first
    await new Promise((r) => setTimeout(r, 5));
    expect(count()).toBe(1);
    await store.append(slotOf(1));
    expect((await store.last())?.slot).toBe(1); // reads write pending rows first
    expect(count()).toBe(2);
  }));

test("the head is found by the primary key and a message id by its index, not by scanning", () =>
  runInDurableObject(fresh(), async (_, state) => {
    await new SqliteStore(state.storage).append(slotOf(0));
    const plan = state.storage.sql.exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT slot FROM slots ORDER BY slot DESC LIMIT 1").toArray();
    expect(plan.map((p) => p.detail).join(" ")).not.toMatch(/USE TEMP B-TREE/);
    const byMessage = state.storage.sql.exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT slot FROM slots WHERE message_id = 'x' ORDER BY slot LIMIT 1").toArray();
    expect(byMessage.map((p) => p.detail).join(" ")).toMatch(/USING INDEX slots_by_message|USING COVERING INDEX slots_by_message/);
  }));

test("reads of ids nobody holds leave no storage behind; the first write creates the schema", async () => {
  const pid = `${crypto.randomUUID().replace(/-/g, "").slice(0, 32)}${"x".repeat(10)}A`;
  for (const path of [`/${pid}/slot`, `/${pid}/schedule`, `/${pid}`, `/${pid}/latest`, `/processes/${pid}`, `/~scheduler@1.0/next?target=${pid}`]) {
    expect((await call(path)).status, path).toBe(404);
  }
  const tables = (id: string) =>
    runInDurableObject(env.PROCESS.getByName(id), (_, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").toArray().map((r) => r.name),
    );
  expect(await tables(pid)).toEqual([]);
  await runInDurableObject(fresh(), async (_, state) => {
    const store = new SqliteStore(state.storage);
    expect(store.ready).toBe(false);
    await store.append(slotOf(0));
    expect(store.ready).toBe(true);
  });
});
