/**
 * The remote-schedule cache through the worker with its default settings (docs/remote.md): a hint is
 * followed (SCHEDULER_FOLLOW_HINTS unset), a posted assignment is cached after the answer
 * (REMOTE_CACHE_ASYNC unset), and a fork is a 502 counted in ao_scheduler_remote_forks_total.
 * test/worker-settings/ runs the same cases with those settings turned off.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, test, vi } from "vitest";
import { parseItem } from "../../src/ans104/parse.ts";
import { MemoryStore } from "../../src/schedule/memory-store.ts";
import { Scheduler } from "../../src/schedule/scheduler.ts";
import type { MirrorObject } from "../../worker/objects/mirror-object.ts";
import { forgetPlaces } from "../../worker/routing/where.ts";
import { signMessage } from "../support/items.ts";
import { clientSigner, schedulerSigner } from "../support/keys.ts";
import { serveSchedule } from "../support/remote-source.ts";
import { REMOTE_URL, slotsWrittenAroundAPost, stubRemote } from "./remote-fixture.ts";
import { call, json } from "./support.ts";

afterEach(() => {
  vi.unstubAllGlobals();
  forgetPlaces();
});

const hint = `hint=${encodeURIComponent(REMOTE_URL)}`;

describe("remote processes, default settings", () => {
  test("SCHEDULER_FOLLOW_HINTS unset (true): a ?hint=<url> is followed to the remote scheduler", async () => {
    const f = await stubRemote(3);
    const res = await call(`/${f.pid}/slot?${hint}`);
    const body = await json(res);
    expect(res.status, body.error).toBe(200);
    expect(body.current).toBe(3);
    expect(f.served.requests.length).toBeGreaterThan(0);
  });

  test("REMOTE_CACHE_ASYNC unset (true): an assignment posted through the cache is written after the answer, at the end of the turn", async () => {
    const f = await stubRemote(3);
    const m = await signMessage(await clientSigner(), f.pid, "posted through the cache");
    const written = await runInDurableObject(env.MIRROR.getByName(f.pid), (instance: MirrorObject, state) => slotsWrittenAroundAPost(state, instance, f, m));
    expect(written).toEqual({ atAnswer: [0, 1, 2, 3], after: [0, 1, 2, 3, 4] });
  });

  test("a fork (the remote now serves another assignment at a cached slot): 502 naming the slot and both ids, counted in ao_scheduler_remote_forks_total, nothing cached overwritten", async () => {
    const f = await stubRemote(3);
    const first = await call(`/${f.pid}/schedule?${hint}&from=0&to=3`);
    expect(first.status).toBe(200);
    const cached = Object.values((await json(first)).assignments as Record<string, { slot: number; commitments: Record<string, unknown> }>);
    expect(cached).toHaveLength(4);
    const keptAt3 = Object.keys(cached[3].commitments)[0];

    // The same scheduler key and process, scheduled again from slot 0 with other messages.
    const process = (await f.schedule.store.get(0))!.message!;
    const other = new MemoryStore();
    const again = await Scheduler.open({ processId: f.pid, store: other, signer: await schedulerSigner() });
    await again.schedule(parseItem(process));
    for (let i = 0; i < 4; i++) await again.schedule(await signMessage(await clientSigner(), f.pid, `fork ${i}`));
    const forked = serveSchedule(f.pid, other, { pageSize: 100 });
    vi.stubGlobal("fetch", forked.fetch);
    const servedAt3 = (await other.get(3))!.assignmentId;

    const metric = async () => Number(/^ao_scheduler_remote_forks_total (\d+)$/m.exec(await (await call("/metrics")).text())?.[1]);
    const before = await metric();
    const res = await call(`/${f.pid}/schedule?${hint}&from=0&to=4`);
    const body = await json(res);
    expect(res.status, body.error).toBe(502);
    expect(body.error).toContain("fork at slot 3");
    expect(body.error).toContain(keptAt3);
    expect(body.error).toContain(servedAt3);
    expect(await metric()).toBe(before + 1);
    const still = await json(await call(`/${f.pid}/schedule?${hint}&from=0&to=3`));
    expect(Object.keys(Object.values(still.assignments as Record<string, { commitments: Record<string, unknown> }>)[3].commitments)).toEqual([keptAt3]);
  });
});
