/**
 * Live schedules in workerd (docs/live.md): subscriptions answered by the process's object through
 * the hibernation API, in both frame formats; parameters refused before the upgrade; the limit;
 * resumption; flow control (a subscriber that stops reading is closed, one that reads is not);
 * catching up 10,000 slots while writes continue.
 */
import { env } from "cloudflare:workers";
import { describe, expect, test, vi } from "vitest";
import { readBundle } from "../../src/ans104/bundle.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { readAssignment } from "../../src/schedule/assignment.ts";
import { chainNext, chainSeed } from "../../src/schedule/hash-chain.ts";
import { utf8 } from "../../src/crypto/bytes.ts";
import { CLOSE, followSocket, HOLD_MS, slotOfFrame, WINDOW_BYTES, type LiveSocket } from "../../src/remote/live.ts";
import { verifySlots } from "../../src/remote/verify.ts";
import { signMessage } from "../support/items.ts";
import { forgetPlaces } from "../../worker/routing/where.ts";
import { bundleOf, call, json, schedulerAddress, send, spawn, testClient } from "./support.ts";

type Frame = string | Blob;

/** Opens a subscription; answers the socket and every frame and close it sees (it never acknowledges unless told to). */
async function subscribe(path: string) {
  const res = await call(path, { headers: { upgrade: "websocket" } });
  if (res.status !== 101) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
  const ws = res.webSocket!;
  const frames: Frame[] = [];
  const at = { lastFrame: 0 };
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason, at: Date.now() })));
  ws.addEventListener("message", (e) => {
    frames.push(e.data as Frame);
    at.lastFrame = Date.now();
  });
  ws.accept();
  return { ws, frames, closed, at };
}

async function until(probe: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const slotsOf = (frames: Frame[], pid: string) => frames.map((f) => slotOfFrame(f as string, pid).slot);

describe("subscribe", () => {
  test("text frames are the JSON page's assignments values, from `from` on, then each new slot as it is made", async () => {
    const { id: pid } = await spawn();
    for (let i = 0; i < 3; i++) await send(pid, `before ${i}`);
    const sub = await subscribe(`/${pid}/subscribe?from=1`);
    await until(() => sub.frames.length === 3, "the first three frames");
    for (let i = 0; i < 2; i++) await send(pid, `after ${i}`);
    await until(() => sub.frames.length === 5, "two pushed frames");
    const page = await json(await call(`/${pid}/schedule?from=1`));
    expect(Object.keys(page.assignments)).toHaveLength(5);
    expect(sub.frames).toHaveLength(5);
    sub.frames.forEach((f, i) => {
      expect(typeof f).toBe("string");
      expect(JSON.parse(f as string)).toEqual(page.assignments[String(i + 1)]);
    });
    sub.ws.close(1000, "done");
  });

  test("with accept=application/ans104, each binary frame is a bundle of that slot's assignment and message", async () => {
    const { id: pid } = await spawn();
    await send(pid, "one");
    const sub = await subscribe(`/~scheduler@1.0/subscribe?target=${pid}&from=0&accept=application/ans104`);
    await until(() => sub.frames.length === 2, "slots 0 and 1");
    await send(pid, "two");
    await until(() => sub.frames.length === 3, "slot 2");
    const items = await bundleOf(pid);
    expect(items).toHaveLength(6);
    expect(sub.frames).toHaveLength(3);
    for (const [slot, f] of sub.frames.entries()) {
      expect(f).toBeInstanceOf(Blob);
      const bundle = readBundle(new Uint8Array(await (f as Blob).arrayBuffer()));
      expect(bundle).toHaveLength(2);
      expect(bundle.map((b) => b.id)).toEqual([items[2 * slot].id, items[2 * slot + 1].id]);
      expect(bundle.map((b) => b.raw)).toEqual([items[2 * slot].raw, items[2 * slot + 1].raw]);
    }
    sub.ws.close(1000, "done");
  });

  test("a remote process whose scheduler refuses it or answers nonsense: the subscription is refused before any upgrade, with the status a read would get (404 passed on, 502 naming the remote)", async () => {
    const pid = "R".repeat(42) + "A";
    const hint = `hint=${encodeURIComponent("http://remote.test")}`;
    try {
      for (const [answer, status, error] of [
        [() => Response.json({ error: `process ${pid} is not known here` }, { status: 404 }), 404, /not known here/],
        [() => new Response("<html>not a scheduler</html>", { status: 200, headers: { "content-type": "text/html" } }), 502, /remote\.test/],
      ] as const) {
        vi.stubGlobal("fetch", async () => answer());
        forgetPlaces();
        const res = await call(`/${pid}/subscribe?${hint}`, { headers: { upgrade: "websocket" } });
        expect(res.status).toBe(status);
        expect(res.webSocket).toBeNull();
        expect((await json(res)).error).toMatch(error);
      }
    } finally {
      vi.unstubAllGlobals();
      forgetPlaces();
    }
  });

  test("bad parameters are 4xx before any upgrade; an unknown process is 404", async () => {
    const { id: pid } = await spawn();
    const ws = { upgrade: "websocket" };
    const cases: [string, Record<string, string>, number, RegExp][] = [
      [`/${pid}/subscribe?from=-1`, ws, 400, /from must be an integer/],
      [`/${pid}/subscribe?from=abc`, ws, 400, /from must be an integer/],
      [`/not-an-id/subscribe`, ws, 400, /43-character/],
      [`/~scheduler@1.0/subscribe`, ws, 400, /target is required/],
      [`/${pid}/subscribe?accept=application/aos-2`, ws, 406, /not application\/aos-2/],
      [`/${pid}/subscribe`, {}, 426, /Upgrade: websocket/],
      [`/${"A".repeat(43)}/subscribe`, ws, 404, /not known to this scheduler/],
    ];
    for (const [path, headers, status, error] of cases) {
      const res = await call(path, { headers });
      expect(res.status, path).toBe(status);
      expect(res.webSocket, path).toBeNull();
      expect((await json(res)).error, path).toMatch(error);
    }
  });

  test("past SUBSCRIBERS_PER_PROCESS (8 in this test project) a subscription is answered 429; a closed one frees its place", async () => {
    const { id: pid } = await spawn();
    const subs = [];
    for (let i = 0; i < 8; i++) subs.push(await subscribe(`/${pid}/subscribe`));
    const refused = await call(`/${pid}/subscribe`, { headers: { upgrade: "websocket" } });
    expect(refused.status).toBe(429);
    expect((await json(refused)).error).toMatch(/8 live subscribers, the most this node allows \(SUBSCRIBERS_PER_PROCESS=8\)/);
    subs[0].ws.close(1000, "leaving");
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 101; i++) {
      again = await call(`/${pid}/subscribe`, { headers: { upgrade: "websocket" } });
      if (again.status !== 101) await new Promise((r) => setTimeout(r, 20));
    }
    expect(again!.status).toBe(101);
    for (const s of subs.slice(1)) s.ws.close(1000, "done");
    again!.webSocket!.accept();
    again!.webSocket!.close(1000, "done");
  });
});

/** A subscriber that reads as the protocol asks (src/remote/live.ts followSocket: acknowledging every ACK_BYTES); answers the slots it got. */
async function follow(path: string, pid: string) {
  const res = await call(path, { headers: { upgrade: "websocket" } });
  if (res.status !== 101) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
  const ws = res.webSocket!;
  const slots: ReturnType<typeof slotOfFrame>[] = [];
  ws.accept();
  const done = followSocket(ws as unknown as LiveSocket, pid, (s) => void slots.push(s));
  return { ws, slots, done };
}

const contiguous = (slots: number[], from: number, to: number) => expect(slots).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));

describe("resumption and flow control", () => {
  test("a subscriber that reconnects mid-stream with from = its last slot + 1 misses nothing and gets nothing twice", async () => {
    const { id: pid } = await spawn();
    const first = await follow(`/${pid}/subscribe?from=0`, pid);
    for (let i = 0; i < 5; i++) await send(pid, `first ${i}`);
    await until(() => first.slots.length >= 4, "four slots");
    first.ws.close(1000, "reconnecting");
    await first.done;
    const last = first.slots.at(-1)!.slot;
    for (let i = 0; i < 5; i++) await send(pid, `gap ${i}`); // written while nobody listens
    const second = await follow(`/${pid}/subscribe?from=${last + 1}`, pid);
    for (let i = 0; i < 3; i++) await send(pid, `second ${i}`);
    await until(() => second.slots.at(-1)?.slot === 13, "slot 13");
    contiguous([...first.slots, ...second.slots].map((s) => s.slot), 0, 13);
    const checked = await verifySlots([...first.slots, ...second.slots], { processId: pid, scheduler: await schedulerAddress() }, undefined);
    expect(checked.slots).toHaveLength(14);
    second.ws.close(1000, "done");
  });

  test(`one that stops reading gets at most the window (${WINDOW_BYTES} bytes) plus one frame, then is closed 4408 after ${HOLD_MS / 1000} s; one that reads gets everything`, async () => {
    const { id: pid } = await spawn();
    const lazy = await subscribe(`/${pid}/subscribe`); // never acknowledges
    const reader = await follow(`/${pid}/subscribe`, pid);
    const big = utf8("x".repeat(200_000));
    for (let i = 0; i < 8; i++) {
      const item = await signMessage(await testClient(), pid, big);
      expect((await call(`/${pid}/schedule`, { method: "POST", headers: { "content-type": "application/ans104" }, body: item.raw })).status).toBe(200);
    }
    await until(() => reader.slots.length === 9, "the reader's nine slots");
    const { code, reason, at: closedAt } = await lazy.closed;
    expect(code).toBe(CLOSE.notReading);
    expect(reason).toMatch(/^not reading: \d+ bytes unacknowledged for 10 s; resubscribe from=\d+$/);
    // Closed once HOLD_MS after its window filled (its last frame), not at a later sweep.
    expect(closedAt - lazy.at.lastFrame).toBeGreaterThanOrEqual(HOLD_MS - 1000);
    expect(closedAt - lazy.at.lastFrame).toBeLessThan(HOLD_MS + 5000);
    const sizes = lazy.frames.map((f) => (f as string).length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.length).toBeLessThan(9);
    expect(sizes.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThan(WINDOW_BYTES);
    contiguous(slotsOf(lazy.frames, pid), 0, sizes.length - 1);
    expect(reason).toContain(`from=${sizes.length}`);
    contiguous(reader.slots.map((s) => s.slot), 0, 8);
    reader.ws.close(1000, "done");
    expect(await reader.done).toMatchObject({ code: 1000 });
  });

  test("anything but the number of a slot it was sent closes it with 4400: text that is not a number, a binary frame, a slot past the last sent, a slot before its from", async () => {
    const { id: pid } = await spawn();
    for (let i = 0; i < 3; i++) await send(pid, `for acks ${i}`); // slots 0-3
    const wrong: [string, string | Uint8Array, RegExp][] = [
      ["0", "junk", /got "junk"; next slot is 4/],
      ["0", new Uint8Array([1, 2]), /got a binary frame; next slot is 4/],
      ["0", "4", /got "4"; next slot is 4/],
      ["2", "1", /got "1"; next slot is 4/],
    ];
    for (const [from, message, reason] of wrong) {
      const sub = await subscribe(`/${pid}/subscribe?from=${from}`);
      await until(() => sub.frames.length === 4 - Number(from), `slots ${from}-3`);
      sub.ws.send(message);
      const closed = await sub.closed;
      expect(closed.code).toBe(CLOSE.badMessage);
      expect(closed.reason).toMatch(reason);
    }
    // The last slot it was sent, or one before it from its own from on, is fine.
    const good = await subscribe(`/${pid}/subscribe?from=2`);
    await until(() => good.frames.length === 2, "slots 2-3");
    good.ws.send("2");
    good.ws.send("3");
    await send(pid, "after the acks");
    await until(() => good.frames.length === 3, "slot 4");
    good.ws.close(1000, "done");
  });

  test("catching up 10,000 slots from 0 while writes continue: every slot once, in order, on a valid chain", async () => {
    const { id: pid } = await spawn();
    const seedItem = await signMessage(await testClient(), pid, "seed");
    const seeded = await env.PROCESS.getByName(pid).seed(pid, seedItem.id, seedItem.raw, 10_000);
    expect(seeded).toEqual({ ok: true, value: { current: 10_000 } });
    const sub = await follow(`/${pid}/subscribe?from=0&accept=application/ans104`, pid);
    let sent = 0;
    while (sub.slots.length < 10_001 || sent < 30) {
      if (sent < 30) {
        await send(pid, `during ${sent++}`);
      } else await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => sub.slots.length === 10_031, "every slot");
    contiguous(sub.slots.map((s) => s.slot), 0, 10_030);
    expect(sub.slots.length).toBe(10_031);
    // The chain links every slot to the one before it (signatures are checked in the tests above).
    let previous: { id: string; chain: string } | undefined;
    for (const s of sub.slots) {
      const a = readAssignment(parseItem(s.assignment));
      expect(a.hashChain).toBe(previous ? chainNext(previous.id, previous.chain) : chainSeed(pid));
      previous = { id: parseItem(s.assignment).id, chain: a.hashChain };
    }
    sub.ws.close(1000, "done");
  }, 120_000);
});
