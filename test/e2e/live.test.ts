/**
 * Live schedules end to end (docs/live.md), with real `npm start` nodes: subscriptions through
 * the HTTP front; a subscriber whose TCP socket stops reading; and a process held by node A
 * followed through node B, which subscribes to A (a node of this kind) or, when A's subscription
 * is refused on the way (a scheduler that cannot push), polls it, and pushes only slots that
 * passed every check. Each remote is reached through a counting proxy on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DataItem } from "../../src/ans104/data-item.ts";
import type { Signer } from "../../src/crypto/signers.ts";
import { CLOSE, followSocket, subscribeUrl, WINDOW_BYTES, type LiveSocket } from "../../src/remote/live.ts";
import { verifySlot, verifySlots, type RemoteSlot } from "../../src/remote/verify.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { clientSigner } from "../support/keys.ts";
import { CountingProxy } from "./counting-proxy.ts";
import { freePort, ROOT, startServer, stopServer, waitReady, type Server } from "./server.ts";

let a: Server;
let b: Server;
let pushing: CountingProxy;
let polled: CountingProxy;
let client: Signer;
let aAddress = "";
let pid = "";
const dirs: string[] = [];
const sockets: WebSocket[] = [];

async function post(item: DataItem): Promise<void> {
  const res = await fetch(`${a.url}/${pid}/schedule`, { method: "POST", headers: { "content-type": "application/ans104" }, body: item.raw as Uint8Array<ArrayBuffer> });
  expect(res.status, await res.text()).toBe(200);
}

async function postMessages(n: number, data = "live"): Promise<void> {
  for (let i = 0; i < n; i++) await post(await signMessage(client, pid, data));
}

async function until(what: string, probe: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  return ws;
}

/** A subscriber that reads as the protocol asks (followSocket); answers the slots it got. */
async function follow(url: string) {
  const ws = await open(url);
  const slots: RemoteSlot[] = [];
  const done = followSocket(ws as unknown as LiveSocket, pid, (s) => void slots.push(s));
  return { ws, slots, done };
}

const numbers = (slots: readonly RemoteSlot[]) => slots.map((s) => s.slot);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const current = async (url: string) => Number(await (await fetch(`${url}/${pid}/slot/current`)).text());

beforeAll(async () => {
  client = await clientSigner();
  const temp = async () => {
    const d = await mkdtemp(join(tmpdir(), "ao-live-"));
    dirs.push(d);
    return d;
  };
  const [aPort, bPort] = [await freePort(), await freePort()];
  a = startServer(aPort, await temp());
  b = startServer(bPort, await temp(), { REMOTE_TIMEOUT_MS: "5000" });
  await Promise.all([waitReady(a), waitReady(b)]);
  pushing = await new CountingProxy(a.url).start();
  polled = await new CountingProxy(a.url).start();
  polled.refuseUpgrades = true;
  aAddress = (await (await fetch(`${a.url}/~scheduler@1.0/info`)).json()).address;
  const process = await signProcess(client, aAddress);
  pid = process.id;
  const res = await fetch(`${a.url}/~scheduler@1.0/schedule`, { method: "POST", headers: { "content-type": "application/ans104" }, body: process.raw as Uint8Array<ArrayBuffer> });
  expect(res.status).toBe(200);
  await postMessages(3);
}, 180_000);

afterAll(async () => {
  for (const ws of sockets) ws.close();
  await Promise.all([a, b].filter(Boolean).map((s) => stopServer(s)));
  await Promise.all([pushing?.close(), polled?.close()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}, 60_000);

describe("through the HTTP front", () => {
  test("a subscriber gets every slot from 0, then each new one as it is posted, all verifying on one chain", async () => {
    const sub = await follow(subscribeUrl(a.url, pid, 0, "json"));
    await until("the four slots there are", () => sub.slots.length === 4);
    await postMessages(3, "while subscribed");
    const last = await current(a.url);
    await until("the new slots", () => sub.slots.length === last + 1);
    expect(numbers(sub.slots)).toEqual(range(0, last));
    const checked = await verifySlots(sub.slots, { processId: pid, scheduler: aAddress }, undefined);
    expect(checked.slots.map((s) => s.status)).toEqual(range(0, last).map(() => "verified"));
    sub.ws.close(1000, "done");
    expect(await sub.done).toMatchObject({ code: 1000 });
  });

  test("npm run subscribe -- <pid> --from 0 --count 2 prints slots 0 and 1 and no more, each checked, and exits 0", async () => {
    expect(await current(a.url)).toBeGreaterThan(2);
    const r = spawnSync(process.execPath, ["scripts/subscribe.mjs", pid, "--from", "0", "--count", "2", "--node", a.url], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(0, 3).join(" "))).toEqual(["slot 0 verified", "slot 1 verified"]);
  });

  test("bad parameters are answered before the upgrade, through the front too", async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${a.url.replace("http", "ws")}/${pid}/subscribe?from=x`);
      ws.on("unexpected-response", (_req: unknown, res: { statusCode: number }) => resolve(res.statusCode));
      ws.addEventListener("error", () => {});
    });
    expect(refused).toBe(400);
    const plain = await fetch(`${a.url}/${pid}/subscribe`);
    expect(plain.status).toBe(426);
    // The handshake's own headers are checked before the upgrade too, and answered in JSON like every error.
    const raw = async (path: string, headers: string) => {
      const socket = connect(Number(new URL(a.url).port), "127.0.0.1");
      socket.end(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: Upgrade\r\nupgrade: websocket\r\n${headers}\r\n`);
      let text = "";
      for await (const chunk of socket) text += chunk;
      const [head, body] = text.split("\r\n\r\n");
      return { status: Number(head.split(" ")[1]), head, body };
    };
    const KEY = "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const noVersion = await raw(`/${pid}/subscribe`, KEY);
    expect(noVersion.status).toBe(426);
    expect(noVersion.head).toMatch(/\r\nsec-websocket-version: 13\r\n/i);
    expect(JSON.parse(noVersion.body).error).toBe('a WebSocket upgrade needs Sec-WebSocket-Version: 13, got "none"');
    const noKey = await raw(`/${pid}/subscribe`, "sec-websocket-version: 13\r\n");
    expect(noKey.status).toBe(400);
    expect(JSON.parse(noKey.body).error).toBe('a WebSocket upgrade needs a Sec-WebSocket-Key of 16 bytes in base64, got "none"');
    // A process this node does not know: the object's 404, as JSON ending in a newline like every answer.
    const unknown = await raw(`/${"U".repeat(42)}A/subscribe`, `${KEY}sec-websocket-version: 13\r\n`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatch(/^\{"error":"process U{42}A is not known to this scheduler"\}\n$/);
  });

  test("a subscriber whose socket stops reading gets no more than the window and one frame, and is closed 4408", async () => {
    const ws = await open(subscribeUrl(a.url, pid, (await current(a.url)) + 1, "json"));
    const frames: string[] = [];
    ws.addEventListener("message", (e) => frames.push(String(e.data)));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    const tcp = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause(); // reads nothing from here on
    await postMessages(8, "x".repeat(200_000));
    await new Promise((r) => setTimeout(r, 12_000)); // past the node's 10 s hold
    tcp.resume();
    const { code, reason } = await closed;
    expect(code).toBe(CLOSE.notReading);
    expect(reason).toMatch(/^not reading: /);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(8);
    expect(frames.slice(0, -1).reduce((n, f) => n + f.length, 0)).toBeLessThan(WINDOW_BYTES);
  }, 120_000);
});

describe("a process A holds, followed through B", () => {
  test("B subscribes to A (a node of this kind): its subscriber gets every slot, verified, and new ones without B paging A again", async () => {
    const hint = encodeURIComponent(pushing.url);
    const sub = await follow(`${b.url.replace("http", "ws")}/${pid}/subscribe?from=0&hint=${hint}`);
    let last = await current(a.url);
    await until("the slots A has", () => sub.slots.length === last + 1);
    await until("B's subscription to A", () => pushing.count(/^UPGRADE \/[\w-]{43}\/subscribe\?from=\d+&accept=application\/ans104$/) === 1);
    const pages = pushing.count(/^GET \/[\w-]{43}\/schedule/);
    await postMessages(4, "pushed to B");
    last = await current(a.url);
    await until("the pushed slots", () => sub.slots.length === last + 1);
    expect(numbers(sub.slots)).toEqual(range(0, last));
    expect(pushing.count(/^GET \/[\w-]{43}\/schedule/)).toBe(pages); // pushed, not fetched
    const checked = await verifySlots(sub.slots, { processId: pid, scheduler: aAddress }, undefined);
    expect(checked.slots).toHaveLength(last + 1);
    // A subscriber to B that reconnects mid-stream misses nothing.
    sub.ws.close(1000, "reconnecting");
    await sub.done;
    await postMessages(2, "while away");
    const again = await follow(`${b.url.replace("http", "ws")}/${pid}/subscribe?from=${last + 1}&hint=${hint}`);
    await until("the slots posted while away", () => again.slots.length === 2);
    expect(numbers(again.slots)).toEqual(range(last + 1, last + 2));
    again.ws.close(1000, "done");
  }, 120_000);

  test("when A's subscription is refused on the way, B polls it, and still pushes every slot, verified", async () => {
    const hint = encodeURIComponent(polled.url);
    const from = (await current(a.url)) - 2;
    const sub = await follow(`${b.url.replace("http", "ws")}/${pid}/subscribe?from=${from}&hint=${hint}&accept=application/ans104`);
    await until("the last three slots", () => sub.slots.length === 3);
    await postMessages(3, "polled by B");
    const last = await current(a.url);
    await until("the polled slots", () => sub.slots.length === last - from + 1);
    expect(numbers(sub.slots)).toEqual(range(from, last));
    expect(polled.count(/^UPGRADE/)).toBe(0);
    expect(polled.count(/^GET \/[\w-]{43}\/schedule/)).toBeGreaterThan(1);
    for (const s of sub.slots) expect((await verifySlot(s, { processId: pid, scheduler: aAddress }, "unknown")).stored.status).toBe("verified");
    sub.ws.close(1000, "done");
  }, 120_000);
});
