/** A process object's background work (worker/background.ts): arming its alarm. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, test, vi } from "vitest";
import { Background } from "../../worker/objects/background.ts";
import { ProcessCounters } from "../../worker/objects/counters.ts";
import { SqliteStore } from "../../worker/objects/sqlite-store.ts";
import { slotOf } from "../core/schedule/store.case.ts";

test("one alarm is armed at a time; a failed setAlarm is logged and the next write arms it again", () =>
  runInDurableObject(env.PROCESS.getByName(crypto.randomUUID()), async (_, state) => {
    let calls = 0;
    const setAlarm = () => {
      calls++;
      return Promise.reject(new Error("storage unavailable"));
    };
    const storage = { sql: state.storage.sql, setAlarm };
    const background = new Background({ storage } as unknown as DurableObjectState, env, new SqliteStore(state.storage), new ProcessCounters());
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      background.written([slotOf(1)]);
      background.written([slotOf(2)]); // armed already: no second alarm
      expect(calls).toBe(1);
      await new Promise((r) => setTimeout(r, 0));
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/setting the background alarm failed/), expect.any(Error));
      background.written([slotOf(3)]);
      expect(calls).toBe(2);
      await new Promise((r) => setTimeout(r, 0));
    } finally {
      logged.mockRestore();
    }
  }));

test("counting arms the alarm a few seconds out without touching storage otherwise; a spawn due sooner brings it forward, later work does not", () =>
  runInDurableObject(env.PROCESS.getByName(crypto.randomUUID()), async (_, state) => {
    const armed: number[] = [];
    const storage = { sql: state.storage.sql, setAlarm: async (at: number) => void armed.push(at) };
    const background = new Background({ storage } as unknown as DurableObjectState, env, new SqliteStore(state.storage), new ProcessCounters());
    const now = Date.now();
    background.counted();
    background.counted();
    expect(armed).toHaveLength(1);
    expect(armed[0]).toBeGreaterThanOrEqual(now + 5_000);
    background.written([slotOf(0)]); // a spawn registers at once
    expect(armed).toHaveLength(2);
    expect(armed[1]).toBeLessThan(armed[0]);
    background.written([slotOf(1)]);
    background.counted();
    expect(armed).toHaveLength(2);
  }));
