/** Messages larger than a SQLite row may hold (stored in 1 MiB parts) through POST and back, and pages of them. */
import { expect, test } from "vitest";
import { verifyItem } from "../../src/ans104/verify.ts";
import { b64url } from "../../src/crypto/base64url.ts";
import { equal, randomBytes } from "../../src/crypto/bytes.ts";
import { itemFromJson } from "../../src/formats/item-json.ts";
import { signMessage } from "../support/items.ts";
import { bundleOf, call, json, post, spawn, testClient } from "./support.ts";

test("a 6 MiB binary message round-trips byte for byte through the bundle and the lossless JSON", async () => {
  const { id: pid } = await spawn();
  const data = new Uint8Array(6 * 1024 * 1024);
  for (let at = 0; at < data.length; at += 65536) data.set(randomBytes(65536), at);
  const item = await signMessage(await testClient(), pid, data);
  const res = await post(item, `/${pid}/schedule`);
  expect(res.status).toBe(200);
  expect((await json(res)).slot).toBe(1);

  const [, , , message] = await bundleOf(pid);
  expect(message.id).toBe(item.id);
  expect(equal(message.raw, item.raw)).toBe(true);
  expect(await verifyItem(message)).toBe("valid");

  const page = await json(await call(`/${pid}/schedule?from=1`));
  const body = page.assignments["1"].body;
  expect(body.commitments[item.id]["data-encoding"]).toBe("base64url");
  expect(body.data).toBe(b64url(data));
  expect(equal(itemFromJson(body), item.raw)).toBe(true);
});

test("a page stops before 8 MiB of items: two 5 MiB messages come one a page, continues exact", async () => {
  const { id: pid } = await spawn();
  const client = await testClient();
  for (let i = 0; i < 2; i++) expect((await post(await signMessage(client, pid, new Uint8Array(5 * 1024 * 1024).fill(i + 1)), `/${pid}/schedule`)).status).toBe(200);
  const first = await json(await call(`/${pid}/schedule?from=1`));
  expect(Object.keys(first.assignments)).toEqual(["1"]);
  expect(first.continues).toBe(true);
  const second = await json(await call(`/${pid}/schedule?from=2`));
  expect(Object.keys(second.assignments)).toEqual(["2"]);
  expect(second.continues).toBe(false);
});
