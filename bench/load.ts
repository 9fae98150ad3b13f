/**
 * A closed-loop HTTP load generator on keep-alive sockets: `concurrency` clients, each sending its
 * next pre-built request as soon as the previous one answered, until the time or the requests run out.
 */
import http from "node:http";

export interface Request {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export class Client {
  readonly #agent: http.Agent;
  readonly #base: URL;

  constructor(base: string, sockets = 256) {
    this.#base = new URL(base);
    // An idle socket is let go after 4 s, before the front's keep-alive timeout (5 s) closes it:
    // a request sent on a socket the server is closing fails with "socket hang up". Runs
    // interleaved with another server's leave a client's sockets idle for a run's length.
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: sockets, timeout: 4_000 });
  }

  send(r: Request): Promise<Answer> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.#base.hostname, port: this.#base.port, method: r.method, path: r.path, headers: r.headers, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export interface LoadResult {
  count: number;
  seconds: number;
  rate: number;
  latencies: number[];
  bytes: number;
  failures: { status: number; body: string }[];
}

/** Runs `requests` through `concurrency` clients for at most `ms`; every answer must be 200. */
export async function closedLoop(client: Client, requests: readonly Request[], concurrency: number, ms: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: LoadResult["failures"] = [];
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length && performance.now() < end) {
        const a = await client.send(requests[next++]);
        if (a.status !== 200) failures.push({ status: a.status, body: a.body.toString("utf8").slice(0, 200) });
        latencies.push(a.ms);
        bytes += a.body.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { count: latencies.length, seconds, rate: latencies.length / seconds, latencies, bytes, failures };
}
