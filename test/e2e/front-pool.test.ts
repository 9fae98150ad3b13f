/**
 * The front's pooled connections to the runtime (local/front.ts), against a small real HTTP server
 * standing in for workerd. Under the bench's bursts, workerd left a second request on a new
 * pooled connection unanswered and closed the connection ("socket hang up"): 17 posts of 25 got
 * a 502. The stand-in does the same to every second request on a connection; the front must send
 * such a request again on a new connection, body and all, and answer the client normally.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFront } from "../../local/front.ts";

let runtime: Server;
let front: Server;
/** What the runtime saw: each request's method, path, body length, and whether it answered. */
const seen: string[] = [];

beforeAll(async () => {
  const served = new WeakMap<Socket, number>();
  runtime = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    let length = 0;
    req.on("data", (c: Buffer) => (length += c.length));
    req.on("end", () => {
      if (n === 2) {
        seen.push(`${req.method} ${req.url} ${length} dropped`);
        req.socket.destroy(); // unanswered, as workerd did
        return;
      }
      seen.push(`${req.method} ${req.url} ${length} answered`);
      res.end(`${req.method} ${length}`);
    });
  });
  await new Promise<void>((resolve) => runtime.listen(0, "127.0.0.1", resolve));
  front = await startFront({ host: "127.0.0.1", port: 0, upstream: new URL(`http://127.0.0.1:${(runtime.address() as AddressInfo).port}`), maxBody: 1 << 20 });
});

afterAll(async () => {
  front.closeAllConnections();
  runtime.closeAllConnections();
  await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => runtime.close(r))]);
});

function send(method: string, path: string, body?: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: (front.address() as AddressInfo).port, method, path, agent: false, headers: body ? { "content-length": body.length } : {} }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve(`${res.statusCode} ${text}`));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("a request the runtime drops unanswered on a reused connection is sent again on a new one: a 100 KiB POST and a GET both get their 200, the POST's body whole", async () => {
  const body = new Uint8Array(100 * 1024).map((_, i) => i & 0xff);
  expect(await send("GET", "/first")).toBe("200 GET 0");
  expect(await send("POST", "/second", body)).toBe(`200 POST ${body.length}`);
  expect(await send("GET", "/third")).toBe("200 GET 0");
  expect(await send("GET", "/fourth")).toBe("200 GET 0");
  // The second request on each pooled connection was dropped there and answered on a new one.
  expect(seen).toEqual([
    "GET /first 0 answered",
    `POST /second ${body.length} dropped`,
    `POST /second ${body.length} answered`,
    "GET /third 0 answered",
    "GET /fourth 0 dropped",
    "GET /fourth 0 answered",
  ]);
});
