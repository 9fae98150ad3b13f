/**
 * The local node's HTTP front, case by case, against a real `npm start`: each test pins a failure
 * the fuzz suite once found (a 500 from workerd, a dead pooled connection to the runtime, an exit).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { clientSigner } from "../support/keys.ts";
import { signMessage, signProcess } from "../support/items.ts";
import { freePort, startServer, stopServer, waitReady, type Server } from "./server.ts";

let server: Server;
let port = 0;
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ao-edge-"));
  port = await freePort();
  server = startServer(port, dir);
  await waitReady(server);
}, 120_000);

afterAll(async () => {
  await stopServer(server);
  await rm(dir, { recursive: true, force: true });
}, 30_000);

/** Writes `bytes` on a new connection and returns everything the server sends until it closes (or 10 s pass). */
function raw(bytes: string | Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    const done = () => resolve(Buffer.concat(chunks).toString("latin1"));
    socket.on("data", (c) => chunks.push(c));
    socket.on("close", done);
    socket.on("error", () => {});
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

/**
 * Like raw, from a client that never closes its side: after the server's answer and FIN, it keeps
 * writing a byte every 100 ms. `closed` says whether the server let go of the connection within
 * 10 s (a write then fails, or the connection ends), not merely half-closed it.
 */
function rawKeptOpen(bytes: string | Uint8Array): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let probe: NodeJS.Timeout | undefined;
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => socket.write(bytes));
    const finish = (closed: boolean) => {
      clearInterval(probe);
      clearTimeout(limit);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const limit = setTimeout(() => finish(false), 10_000);
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => (probe = setInterval(() => socket.write("x"), 100)));
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
  });
}

const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));

test("a Host header that is no host name (spaces, a slash, %00) gets 400 naming the Host header, not workerd's 500", async () => {
  const answer = await raw("GET /~scheduler@1.0/info HTTP/1.1\r\nHost: a b c/%00\r\nConnection: close\r\n\r\n");
  expect(statuses(answer)).toEqual([400]);
  expect(answer).toContain("malformed Host header");
});

test("a valid GET pipelined with a POST whose Content-Length is 'zz': the GET gets its whole 200, the connection closes, and the server stays up", async () => {
  const answer = await raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST /~scheduler@1.0/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: zz\r\n\r\n");
  expect(statuses(answer)).toEqual([200]);
  expect(answer).toMatch(/"status":"ok".*\}\n$/s); // the whole JSON answer, its closing newline included
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
});

test("a 1 MiB body the runtime refuses unread, 20 times between GETs: every POST gets its 4xx and every GET its 200, never a 502", async () => {
  const body = new Uint8Array(1 << 20).map((_, i) => (i * 7919) & 0xff);
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const post = await fetch(`${server.url}/~scheduler@1.0/init`, { method: "POST", body });
    await post.arrayBuffer();
    const get = await fetch(`${server.url}/~scheduler@1.0/info`);
    await get.arrayBuffer();
    seen.push(`${post.status >= 400 && post.status < 500 ? "4xx" : post.status} ${get.status}`);
  }
  expect(seen).toEqual(Array(20).fill("4xx 200"));
});

test("a GET offering to upgrade to h2c (what `curl --http2` sends to an http:// URL) is answered over HTTP/1.1 as if it had not asked: the 200 info with connection: close, and the server closes the connection though the client keeps its side open", async () => {
  const { text, closed } = await rawKeptOpen("GET /~scheduler@1.0/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
  expect(statuses(text)).toEqual([200]);
  expect(text).toMatch(/^connection: close\r$/im);
  expect(text).not.toMatch(/^upgrade:/im);
  expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).address).toMatch(/^[\w-]{43}$/);
  expect(closed).toBe(true);
});

test("a GET offering h2c whose answer is larger than the socket takes at once (a 2 MiB page), read by a client that waits a second before reading: the whole answer arrives, then the close", async () => {
  const post = (body: Uint8Array) => fetch(`${server.url}/~scheduler@1.0/schedule`, { method: "POST", headers: { "content-type": "application/ans104" }, body: body as Uint8Array<ArrayBuffer> });
  const scheduler = ((await (await fetch(`${server.url}/~scheduler@1.0/info`)).json()) as { address: string }).address;
  const signer = await clientSigner();
  const process = await signProcess(signer, scheduler);
  expect((await post(process.raw)).status).toBe(200);
  for (let i = 0; i < 4; i++) expect((await post((await signMessage(signer, process.id, new Uint8Array(512 * 1024).fill(65 + i))).raw)).status).toBe(200);

  const answer = await new Promise<{ bytes: Buffer; closed: boolean }>((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1", () => {
      socket.pause(); // reads nothing at first: the server's writes must wait for the socket to drain
      socket.write(`GET /${process.id}/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n`);
      setTimeout(() => socket.resume(), 1_000);
    });
    const limit = setTimeout(() => finish(false), 15_000);
    const finish = (closed: boolean) => {
      clearTimeout(limit);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), closed });
    };
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => finish(true));
    socket.on("error", () => finish(true));
  });
  const text = answer.bytes.toString("latin1");
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  const length = Number(/^content-length: (\d+)\r?$/im.exec(head)?.[1]);
  expect(statuses(text)).toEqual([200]);
  expect(length).toBeGreaterThan(2 * 1024 * 1024);
  expect(answer.bytes.length - (head.length + 4)).toBe(length);
  expect(answer.closed).toBe(true);
}, 60_000);

test("A request with a body offering to upgrade to h2c (a POST of 1 MiB) gets 400 naming the upgrade, and the server closes the connection though the client keeps its side open", async () => {
  const body = Buffer.alloc(1 << 20, 0x61);
  const head = `POST /~scheduler@1.0/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Length: ${body.length}\r\n\r\n`;
  const { text, closed } = await rawKeptOpen(Buffer.concat([Buffer.from(head), body]));
  expect(statuses(text)).toEqual([400]);
  expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error).toBe("a request with a body cannot ask to upgrade to h2c: send it without the Upgrade header (this node speaks HTTP/1.1 and, for live schedules, WebSocket)");
  expect(closed).toBe(true);
});

test("a WebSocket upgrade refused before it reaches the runtime (a POST) gets its 400, and the server closes the connection though the client keeps its side open", async () => {
  const { text, closed } = await rawKeptOpen("POST /x/subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  expect(statuses(text)).toEqual([400]);
  expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error).toBe("only WebSocket upgrades of GET requests are served (live schedules, docs/live.md)");
  expect(closed).toBe(true);
});
