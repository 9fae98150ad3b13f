/**
 * A small real Arweave gateway and ANS-104 bundler for end-to-end tests (the one part of the
 * world outside the project): `GET /info` (height), `POST /graphql` (`transactions(ids:)` and
 * `transactions(owners:, tags:)` newest first, in Arweave's node shape), `GET /raw/<id>`, and
 * `POST /tx` (the bundler: what it accepts becomes visible to GraphQL). Every request is counted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import type { DataItem } from "../../src/ans104/data-item.ts";
import { b64url } from "../../src/crypto/base64url.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { closeLocal, listenLocal } from "./server.ts";

export class TestGateway {
  height = 1_500_000;
  readonly items: DataItem[] = [];
  readonly requests: string[] = [];
  /** When set, POST /tx answers this status (a failing bundler). */
  bundlerStatus: number | undefined;
  #server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.#handle(req, res).catch((err) => send(res, 500, { error: String(err) })));
    this.#server = server;
    this.url = await listenLocal(server);
    return this;
  }

  async close(): Promise<void> {
    await closeLocal(this.#server);
  }

  add(raw: Uint8Array): DataItem {
    const item = parseItem(raw, NO_LIMITS);
    if (!this.items.some((i) => i.id === item.id)) this.items.push(item);
    return item;
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.startsWith(prefix)).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.method === "GET" && url.pathname === "/info") return send(res, 200, { network: "arweave.N.1", height: this.height });
    if (req.method === "POST" && url.pathname === "/tx") {
      if (this.bundlerStatus) return send(res, this.bundlerStatus, { error: "bundler unavailable" });
      const item = this.add(new Uint8Array(body));
      return send(res, 200, { id: item.id });
    }
    const raw = /^\/raw\/([A-Za-z0-9_-]{43})$/.exec(url.pathname);
    if (req.method === "GET" && raw) {
      const item = this.items.find((i) => i.id === raw[1]);
      if (!item) return send(res, 404, { error: "not found" });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(item.data);
      return;
    }
    if (req.method === "POST" && url.pathname === "/graphql") {
      const { query = "", variables = {} } = JSON.parse(body.toString("utf8")) as { query?: string; variables?: { ids?: string[]; owners?: string[]; owner?: string; tags?: { name: string; values: string[] }[] } };
      let found: DataItem[];
      if (variables.ids) {
        found = this.items.filter((i) => variables.ids!.includes(i.id));
      } else {
        // Our client passes owners and tags as variables; @permaweb/ao-scheduler-utils passes one `owner` and writes its tags into the query.
        const owners = variables.owners ?? (variables.owner ? [variables.owner] : undefined);
        const wanted = variables.tags ?? (query.includes('"Scheduler-Location"') ? [{ name: "Type", values: ["Scheduler-Location"] }] : []);
        found = this.items
          .filter((i) => !owners || owners.includes(addressOf(i.owner)))
          .filter((i) => wanted.every((w) => i.tags.some((t) => t.name === w.name && w.values.includes(t.value))))
          .reverse(); // newest first
      }
      return send(res, 200, { data: { transactions: { edges: found.slice(0, 1).map((i) => ({ node: nodeOf(i) })) } } });
    }
    return send(res, 404, { error: `test gateway: no route for ${req.method} ${url.pathname}` });
  }
}

/** An item as Arweave's GraphQL describes it. */
function nodeOf(i: DataItem) {
  return {
    id: i.id,
    signature: b64url(i.signature),
    owner: { key: b64url(i.owner), address: addressOf(i.owner) },
    anchor: i.anchor ? b64url(i.anchor) : null,
    recipient: i.target ? b64url(i.target) : "",
    tags: i.tags.map((t) => ({ name: t.name, value: t.value })),
    data: { size: String(i.data.length) },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
