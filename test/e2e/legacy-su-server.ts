/**
 * A legacy AO Scheduler Unit (ao.TN.1) for end-to-end tests, as a small real HTTP server: the
 * real 31-slot schedule of process 4QTy… from test/vectors, served in the SU's routes and JSON
 * shapes (`GET /`, `GET /<pid>?from-nonce=&to-nonce=&limit=`, `GET /<pid>/latest`,
 * `GET /processes/<pid>`), rendered by the project's legacy formatter. Anything else is the SU's
 * 404. Every request is counted; `tamper` alters one slot's Timestamp in the pages it serves.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import { NO_LIMITS } from "../../src/ans104/limits.ts";
import { parseItem } from "../../src/ans104/parse.ts";
import { addressOf } from "../../src/crypto/ids.ts";
import { legacyPage, processInfo, slotNode } from "../../src/formats/legacy-su.ts";
import type { StoredSlot } from "../../src/schedule/store.ts";
import { PROCESS_4QTY, suOutputSlots } from "../support/vectors.ts";
import { closeLocal, listenLocal } from "./server.ts";

export class LegacySuServer {
  readonly processId = PROCESS_4QTY;
  readonly slots: StoredSlot[] = suOutputSlots();
  /** The SU's own address: the signer of its assignments. */
  readonly address = addressOf(parseItem(this.slots[0].assignment, NO_LIMITS).owner);
  readonly requests: string[] = [];
  /** A slot whose assignment's Timestamp is altered in every page served (its signature then fails). */
  tamper: number | undefined;
  url = "";
  #server: Server | undefined;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://su.test");
      this.requests.push(`${req.method} ${url.pathname}`);
      this.#answer(url, res);
    });
    this.url = await listenLocal(this.#server);
    return this;
  }

  close(): Promise<void> {
    return closeLocal(this.#server);
  }

  count(line: string): number {
    return this.requests.filter((r) => r === line).length;
  }

  #answer(url: URL, res: ServerResponse): void {
    const q = (name: string) => url.searchParams.get(name);
    const pid = this.processId;
    const last = this.slots.length - 1;
    if (url.pathname === "/") return send(res, 200, { timestamp: String(Date.now()), address: this.address });
    if (url.pathname === `/${pid}/latest`) return send(res, 200, slotNode(this.slots[last]));
    if (url.pathname === `/processes/${pid}`) return send(res, 200, processInfo(this.slots[0]));
    if (url.pathname === `/${pid}` && q("from-nonce") !== null) {
      const from = Number(q("from-nonce")) + 1;
      const to = Math.min(q("to-nonce") === null ? last : Number(q("to-nonce")), last);
      const limit = Number(q("limit") ?? 100);
      const page = this.slots.filter((s) => s.slot >= from && s.slot <= to).slice(0, limit);
      const more = (page.at(-1)?.slot ?? from - 1) < to;
      const json = legacyPage(page, more, "nonce", { showAnchor: q("show-anchor") !== null });
      for (const e of json.edges) {
        const tags = e.node.assignment.tags;
        const ts = tags.find((t) => t.name === "Timestamp");
        if (ts && tags.some((t) => t.name === "Nonce" && t.value === String(this.tamper))) ts.value = String(Number(ts.value) + 1);
      }
      return send(res, 200, json);
    }
    send(res, 404, { error: "Message or Process not found" });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
