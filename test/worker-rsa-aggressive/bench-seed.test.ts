/** The bench-only seeding route (AO_BENCH_TOKEN is set in this project): token required, items verified. */
import { expect, test } from "vitest";
import { signMessage } from "../support/items.ts";
import { call, current, json, spawn, testClient } from "../worker/support.ts";

const TOKEN = "test-token-0123456789abcdef";

test("seeding needs the token, a valid signature and a message to that process", async () => {
  const { id: pid } = await spawn();
  const { id: other } = await spawn();
  const m = await signMessage(await testClient(), pid, "seed");
  const seed = (target: string, body: Uint8Array, token = TOKEN) =>
    call(`/~bench@1.0/seed?target=${target}&count=3`, { method: "POST", headers: { "x-bench-token": token }, body });
  expect((await seed(pid, m.raw, "wrong-token")).status).toBe(404);
  const forged = m.raw.slice();
  forged[forged.length - 1] ^= 1;
  expect((await seed(pid, forged)).status).toBe(400);
  expect((await seed(other, m.raw)).status).toBe(400);
  expect(await current(pid)).toBe(0);
  const ok = await seed(pid, m.raw);
  expect(ok.status).toBe(200);
  expect(await json(ok)).toEqual({ current: 3 });
}, 60_000);
