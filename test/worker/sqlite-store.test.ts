/** SqliteStore passes the Store conformance suite in a real SQLite-backed Durable Object, immediate and deferred. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { SqliteStore } from "../../worker/sqlite-store.ts";
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

test("messages over 2 MB are split into parts; small ones stay in the row", () =>
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
    const count = () => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM slots").one().n;
    expect(count()).toBe(0); // not yet written: the reply may go out first
    await new Promise((r) => setTimeout(r, 5));
    expect(count()).toBe(1);
    await store.append(slotOf(1));
    expect((await store.last())?.slot).toBe(1); // reads write pending rows first
    expect(count()).toBe(2);
  }));

test("the head is found by the primary key, not by scanning", () =>
  runInDurableObject(fresh(), async (_, state) => {
    new SqliteStore(state.storage);
    const plan = state.storage.sql.exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT slot FROM slots ORDER BY slot DESC LIMIT 1").toArray();
    expect(plan.map((p) => p.detail).join(" ")).not.toMatch(/USE TEMP B-TREE/);
    const byMessage = state.storage.sql.exec<{ detail: string }>("EXPLAIN QUERY PLAN SELECT slot FROM slots WHERE message_id = 'x' ORDER BY slot LIMIT 1").toArray();
    expect(byMessage.map((p) => p.detail).join(" ")).toMatch(/USING INDEX slots_by_message|USING COVERING INDEX slots_by_message/);
  }));
