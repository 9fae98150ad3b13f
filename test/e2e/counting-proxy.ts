/**
 * A small HTTP proxy in front of a real node, for end-to-end tests: counts the requests that pass,
 * can rewrite JSON answers (a tampering network), and can stop answering (the node gone).
 */
import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { closeLocal, listenLocal } from "./server.ts";

export class CountingProxy {
  readonly requests: string[] = [];
  /** Rewrites a JSON answer for a path (return the body unchanged to pass it). */
  tamper: ((path: string, body: unknown) => unknown) | undefined;
  /** When true, connections are refused as if the node were down. */
  down = false;
  /** When true, WebSocket upgrades are refused (a scheduler that cannot push); otherwise they pass, counted as `UPGRADE <path>`. */
  refuseUpgrades = false;
  url = "";
  #server: Server | undefined;
  readonly #upgraded = new Set<{ destroy(): void }>();

  constructor(readonly upstream: string) {}

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      if (this.down) return void req.socket.destroy();
      this.requests.push(`${req.method} ${req.url}`);
      const target = new URL(req.url ?? "/", this.upstream);
      // A proxy that rewrites bodies must read them: it asks for them uncompressed.
      const headers = { ...req.headers, host: target.host, ...(this.tamper ? { "accept-encoding": "identity" } : {}) };
      const up = request(target, { method: req.method, headers }, (answer) => {
        const tamper = this.tamper;
        if (!tamper || !(answer.headers["content-type"] ?? "").includes("json")) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          return void answer.pipe(res);
        }
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          const body = JSON.stringify(tamper(req.url ?? "/", JSON.parse(Buffer.concat(chunks).toString("utf8"))));
          const headers = { ...answer.headers, "content-length": String(Buffer.byteLength(body)) };
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      });
      up.on("error", () => res.destroy());
      req.pipe(up);
    });
    server.on("upgrade", (req, socket, early: Buffer) => {
      if (this.down || this.refuseUpgrades) return void socket.destroy();
      this.requests.push(`UPGRADE ${req.url}`);
      const target = new URL(this.upstream);
      const up = connect(Number(target.port), target.hostname, () => {
        let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
        for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${/^host$/i.test(req.rawHeaders[i]) ? target.host : req.rawHeaders[i + 1]}\r\n`;
        up.write(head + "\r\n");
        up.write(early);
        up.pipe(socket);
        socket.pipe(up);
      });
      this.#upgraded.add(socket);
      up.on("error", () => socket.destroy());
      socket.on("error", () => up.destroy());
      socket.on("close", () => {
        this.#upgraded.delete(socket);
        up.destroy();
      });
    });
    this.#server = server;
    this.url = await listenLocal(server, port);
    return this;
  }

  count(pattern: RegExp): number {
    return this.requests.filter((r) => pattern.test(r)).length;
  }

  async close(): Promise<void> {
    for (const s of this.#upgraded) s.destroy();
    await closeLocal(this.#server);
  }
}
