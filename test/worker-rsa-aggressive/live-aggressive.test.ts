/**
 * Live schedules in aggressive mode (rows written at the end of the turn, after the answer): a
 * subscriber still gets every slot once, in order, as the deferred writes land, and each frame
 * verifies under the RSA key.
 */
import { expect, test } from "vitest";
import { followSocket, type LiveSocket } from "../../src/remote/live.ts";
import { verifySlots, type RemoteSlot } from "../../src/remote/verify.ts";
import { signMessage } from "../support/items.ts";
import { call, post, schedulerAddress, spawn, testClient } from "../worker/support.ts";

test("16 concurrent posts while subscribed from 0: slots 0-16 arrive once each, in order, verified", async () => {
  const { id: pid } = await spawn();
  const res = await call(`/${pid}/subscribe?from=0&accept=application/ans104`, { headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const slots: RemoteSlot[] = [];
  const done = followSocket(ws as unknown as LiveSocket, pid, (s) => void slots.push(s));
  const client = await testClient();
  const items = await Promise.all(Array.from({ length: 16 }, (_, i) => signMessage(client, pid, `live ${i}`)));
  const answers = await Promise.all(items.map((m) => post(m, `/${pid}/schedule`)));
  expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
  for (let i = 0; i < 500 && slots.length < 17; i++) await new Promise((r) => setTimeout(r, 20));
  expect(slots.map((s) => s.slot)).toEqual(Array.from({ length: 17 }, (_, i) => i));
  const checked = await verifySlots(slots, { processId: pid, scheduler: await schedulerAddress() }, undefined);
  expect(checked.slots.every((s) => s.status === "verified")).toBe(true);
  ws.close(1000, "done");
  await done;
});
