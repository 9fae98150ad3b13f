/**
 * Serves a fetch handler (a Request in, a Response out) on 127.0.0.1 over real HTTP: the schedules
 * of test/support/remote-source.ts as another scheduler end-to-end and browser tests can reach.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Fetch } from "../../src/remote/http.ts";

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveFetch(handle: Fetch): Promise<Served> {
  const server: Server = createServer((req, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
    handle(url, { headers })
      .then(async (answer) => {
        const body = new Uint8Array(await answer.arrayBuffer());
        res.writeHead(answer.status, { ...Object.fromEntries(answer.headers), "access-control-allow-origin": "*", "access-control-expose-headers": "*" }).end(body);
      })
      .catch((err: unknown) => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(err) })));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
