/**
 * The live-schedule protocol's shared parts (src/remote/live.ts) and Mirror.accept, the cache's
 * way of keeping pushed slots: frames both ways, the follower's acknowledgements and order, and
 * pushed slots checked as fetched ones are (next slot verified, a kept one compared, a gap fetched
 * first, a tampered or forked slot refused with nothing kept).
 */
import { describe, expect, test } from "vitest";
import { readBundle } from "../../../src/ans104/bundle.ts";
import { NO_LIMITS } from "../../../src/ans104/limits.ts";
import { parseItem } from "../../../src/ans104/parse.ts";
import { assignmentToJson } from "../../../src/formats/hyperbeam-json.ts";
import { SchedulerClient } from "../../../src/remote/client.ts";
import type { RemoteError } from "../../../src/remote/errors.ts";
import { ACK_BYTES, closeReason, followSocket, frameOf, slotOfFrame, subscribeUrl, type LiveSocket } from "../../../src/remote/live.ts";
import { Mirror } from "../../../src/remote/mirror.ts";
import type { RemoteSlot } from "../../../src/remote/verify.ts";
import { MemoryStore } from "../../../src/schedule/memory-store.ts";
import type { StoredSlot } from "../../../src/schedule/store.ts";
import { schedulerSigner } from "../../support/keys.ts";
import { serveSchedule } from "../../support/remote-source.ts";
import { signedSchedule } from "../../support/signed-schedule.ts";

const sched = await schedulerSigner();
const asRemote = (s: StoredSlot): RemoteSlot => ({ slot: s.slot, assignment: s.assignment, message: s.message, lossless: true });

describe("frames", () => {
  test("a text frame is the slot as a JSON page holds it, a binary frame a bundle of its assignment and message; both read back exactly", async () => {
    const src = await signedSchedule(2);
    for (const slot of [0, 2]) {
      const s = (await src.store.get(slot))!;
      const text = frameOf(s, "json") as string;
      expect(JSON.parse(text)).toEqual(assignmentToJson(s));
      const binary = frameOf(s, "ans104") as Uint8Array;
      expect(readBundle(binary).map((i) => i.id)).toEqual([s.assignmentId, slot === 0 ? src.pid : s.messageId]);
      for (const frame of [text, binary, binary.slice().buffer]) {
        const back = slotOfFrame(frame, src.pid);
        expect(back.slot).toBe(slot);
        expect(back.assignment).toEqual(s.assignment);
        expect(back.message).toEqual(s.message);
      }
    }
  });

  test("a frame that is not one slot is refused, naming why", async () => {
    const src = await signedSchedule(1);
    expect(() => slotOfFrame("[1,2]", src.pid)).toThrow(/not a slot with an integer `slot`/);
    expect(() => slotOfFrame(new Uint8Array(32), src.pid)).toThrow(/holds 0 slots, not one/);
    expect(() => slotOfFrame("{", src.pid)).toThrow(SyntaxError);
  });

  test("subscribeUrl turns http into ws and https into wss, keeping a base path; close reasons fit 123 bytes", () => {
    const pid = "A".repeat(43);
    expect(subscribeUrl("http://127.0.0.1:8787/", pid, 5)).toBe(`ws://127.0.0.1:8787/${pid}/subscribe?from=5&accept=application/ans104`);
    expect(subscribeUrl("https://su.example/base", pid, 0, "json")).toBe(`wss://su.example/base/${pid}/subscribe?from=0`);
    const long = closeReason("é".repeat(200));
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(123);
    expect(long.endsWith("…")).toBe(true);
    expect(closeReason("short")).toBe("short");
  });
});

/** A socket fed by the test: it records what the follower sends and closes. */
function fakeSocket() {
  const listeners: Record<string, ((e: any) => void)[]> = {};
  const sent: string[] = [];
  const closes: [number | undefined, string | undefined][] = [];
  const ws: LiveSocket = {
    send: (d) => void sent.push(d),
    close: (code, reason) => void closes.push([code, reason]),
    addEventListener: (type: string, l: (e: any) => void) => void (listeners[type] ??= []).push(l),
  } as LiveSocket;
  return { ws, sent, closes, emit: (type: string, e: unknown) => listeners[type]?.forEach((l) => l(e)) };
}

describe("followSocket", () => {
  test("hands slots over in order, one at a time, and acknowledges the last handled slot every ACK_BYTES", async () => {
    const src = await signedSchedule(40);
    const frames = (await src.store.range({ from: 0, to: 40, limit: 100, maxBytes: 1e9 })).map((s) => frameOf(s, "json") as string);
    const sock = fakeSocket();
    const seen: number[] = [];
    let busy = false;
    const done = followSocket(sock.ws, src.pid, async (s) => {
      expect(busy).toBe(false);
      busy = true;
      await new Promise((r) => setTimeout(r, 1));
      seen.push(s.slot);
      busy = false;
    });
    for (const f of frames) sock.emit("message", { data: f });
    sock.emit("close", { code: 1000, reason: "bye" });
    expect(await done).toEqual({ code: 1000, reason: "bye" });
    expect(seen).toEqual(Array.from({ length: 41 }, (_, i) => i));
    // Each acknowledgement names the slot at which ACK_BYTES more had been handled.
    let bytes = 0;
    const expected: string[] = [];
    frames.forEach((f, slot) => {
      bytes += f.length;
      if (bytes >= ACK_BYTES) (expected.push(String(slot)), (bytes = 0));
    });
    expect(sock.sent).toEqual(expected);
  });

  test("a frame that fails its handler is not acknowledged: the socket is closed and the follow rejects with the handler's error", async () => {
    const src = await signedSchedule(3);
    const sock = fakeSocket();
    const done = followSocket(sock.ws, src.pid, (s) => {
      if (s.slot === 2) throw new Error("slot 2: Hash-Chain check failed");
    });
    for (let slot = 0; slot <= 3; slot++) sock.emit("message", { data: frameOf((await src.store.get(slot))!, "ans104") });
    await expect(done).rejects.toThrow("slot 2: Hash-Chain check failed");
    expect(sock.closes).toEqual([[1000, "stopping: slot 2: Hash-Chain check failed"]]);
    expect(sock.sent).toEqual([]);
  });
});

describe("Mirror.accept: pushed slots are kept only once checked", () => {
  async function mirrored(messages: number, keep: number) {
    const src = await signedSchedule(messages);
    const served = serveSchedule(src.pid, src.store, { pageSize: 100 });
    const store = new MemoryStore();
    const mirror = new Mirror({ client: new SchedulerClient("http://b.test", "ao.N.1", { fetch: served.fetch }), store, processId: src.pid, scheduler: sched.address });
    await mirror.syncTo(keep);
    return { src, served, store, mirror, slot: async (n: number) => asRemote((await src.store.get(n))!) };
  }

  test("the next slot is verified and appended; a slot already kept is compared and skipped", async () => {
    const m = await mirrored(5, 2);
    expect(await m.mirror.accept([await m.slot(2), await m.slot(3)])).toMatchObject({ kept: 3, appended: 1 });
    expect((await m.store.get(3))!.status).toBe("verified");
    expect(await m.mirror.accept([await m.slot(1)])).toMatchObject({ kept: 3, appended: 0 });
  });

  test("a slot past the next one: the slots between are fetched first, then it is kept", async () => {
    const m = await mirrored(8, 2);
    m.served.requests.length = 0;
    expect(await m.mirror.accept([await m.slot(6)])).toMatchObject({ kept: 6 });
    expect(m.served.requests).toEqual([expect.stringMatching(/from=2&to=5/)]);
    expect((await m.store.range({ from: 0, to: 9, limit: 10, maxBytes: 1e9 })).map((s) => s.slot)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test("a tampered slot is refused with nothing kept; another assignment at a kept slot is a fork", async () => {
    const m = await mirrored(4, 2);
    const three = await m.slot(3);
    const bad = { ...three, message: (await m.src.store.get(1))!.message };
    const refused = (await m.mirror.accept([bad]).catch((e: unknown) => e)) as RemoteError;
    expect(refused.code).toBe("verification-failed");
    expect(refused.details).toMatchObject({ slot: 3, check: "message id" });
    expect((await m.store.last())!.slot).toBe(2);
    const forked = (await m.mirror.accept([{ ...(await m.slot(3)), slot: 2 }]).catch((e: unknown) => e)) as RemoteError;
    expect(forked.code).toBe("fork");
    expect(forked.details).toMatchObject({ slot: 2, cached: (await m.store.get(2))!.assignmentId, remote: parseItem(three.assignment, NO_LIMITS).id });
  });
});
