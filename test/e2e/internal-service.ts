/**
 * A small internal HTTP service on 127.0.0.1, of the kind a node must never become a proxy to: it
 * answers every request with a secret text (404 for a path ending in /slot, 200 otherwise, as the
 * probes of issue 17 found), or, with `redirectTo`, a 302 there. It counts every request it sees.
 */
import { createServer, type Server } from "node:http";
import { closeLocal, listenLocal } from "./server.ts";

export const INTERNAL_SECRET = "INTERNAL-SECRET-TOKEN-42 admin panel";

export class InternalService {
  readonly requests: string[] = [];
  url = "";
  #server: Server | undefined;

  constructor(readonly redirectTo?: string) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      req.resume();
      if (this.redirectTo) {
        res.writeHead(302, { location: `${this.redirectTo}${req.url ?? "/"}` });
        return void res.end();
      }
      res.writeHead((req.url ?? "").split("?")[0].endsWith("/slot") ? 404 : 200, { "content-type": "text/plain" });
      res.end(INTERNAL_SECRET);
    });
    this.#server = server;
    this.url = await listenLocal(server);
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.#server);
  }
}
