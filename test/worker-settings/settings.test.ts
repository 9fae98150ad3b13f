/**
 * The worker with settings other than the defaults (vitest.config.ts, project "worker-settings"):
 * INDEX_DELAY_MS=60000, REMOTE_CACHE_ASYNC=false, SCHEDULER_FOLLOW_HINTS=false, GROUP_WRITES=false. The
 * same cases with the defaults are in test/worker/remote-cache.test.ts, legacy-reads.test.ts and
 * concurrency.test.ts.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { MirrorObject } from "../../worker/objects/mirror-object.ts";
import { COUNTER_FLUSH_MS } from "../../worker/objects/counters.ts";
import { indexedProcess } from "../../worker/objects/index-object.ts";
import { forgetPlaces } from "../../worker/routing/where.ts";
import { signMessage } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { REMOTE_URL, slotsWrittenAroundAPost, stubRemote } from "../worker/remote-fixture.ts";
import { call, json, post, postAtOnce, spawn, testClient } from "../worker/support.ts";

const INDEX_DELAY_MS = 60_000;

afterEach(() => {
  vi.unstubAllGlobals();
  forgetPlaces();
});

describe("settings other than the defaults", () => {
  test("GROUP_WRITES=false: each of 16 concurrent posts to one process is its own call to the object", async () => {
    const { responses, calls } = await postAtOnce(16);
    expect(responses.map((r) => r.status)).toEqual(Array(16).fill(200));
    expect(calls).toBeGreaterThanOrEqual(16); // other files may post meanwhile
  });

  test("SCHEDULER_FOLLOW_HINTS=false: a ?hint=<url> is ignored, so a process this node cannot find is a 404 and the hinted URL is never asked", async () => {
    const f = await stubRemote(3);
    const res = await call(`/${f.pid}/slot?hint=${encodeURIComponent(REMOTE_URL)}`);
    const body = await json(res);
    expect(res.status, body.error).toBe(404);
    expect(body.error).toMatch(/is not known to this scheduler/);
    expect(f.served.requests).toEqual([]);
  });

  test("REMOTE_CACHE_ASYNC=false: an assignment posted through the cache is written before the answer", async () => {
    const f = await stubRemote(3);
    const m = await signMessage(await clientSigner(), f.pid, "posted through the cache");
    const written = await runInDurableObject(env.MIRROR.getByName(f.pid), (instance: MirrorObject, state) => slotsWrittenAroundAPost(state, instance, f, m));
    expect(written).toEqual({ atAnswer: [0, 1, 2, 3, 4], after: [0, 1, 2, 3, 4] });
  });

  test("INDEX_DELAY_MS=60000: a message's ids are published to the global index by an alarm set INDEX_DELAY_MS after the write, and not before it runs (the earlier alarm that writes out the counters publishes nothing)", async () => {
    const process = await spawn();
    const stub = env.PROCESS.getByName(process.id);
    // The spawn's own alarm (registration and the process's ids, at once) finishes first, so the
    // message arms a new one. The runtime fires that alarm by itself too, and while it runs no
    // alarm is pending: an empty getAlarm() alone once let the post's ids join its batch.
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(stub);
        expect(await indexedProcess(env, process.id)).toBe(process.id);
        expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBeNull();
      },
      { timeout: 10_000, interval: 50 },
    );
    const m = await signMessage(await testClient(), process.id, "indexed late");
    const before = Date.now();
    expect((await post(m, `/${process.id}/schedule`)).status).toBe(200);
    const after = Date.now();
    const alarmAt = () => runInDurableObject(stub, (_, state) => state.storage.getAlarm());
    // The post's counters are written out first (within COUNTER_FLUSH_MS); that alarm publishes nothing.
    expect(await alarmAt()).toBeLessThanOrEqual(after + COUNTER_FLUSH_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await indexedProcess(env, m.id)).toBeUndefined();
    const alarm = await alarmAt();
    expect(alarm).toBeGreaterThanOrEqual(before + INDEX_DELAY_MS);
    expect(alarm).toBeLessThanOrEqual(after + INDEX_DELAY_MS);
    expect(await indexedProcess(env, m.id)).toBeUndefined();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await indexedProcess(env, m.id)).toBe(process.id);
  });
});
