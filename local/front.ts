/**
 * The HTTP front of the local node: what Cloudflare's edge does before a request reaches the
 * worker in production. It parses strictly (Node's llhttp), bounds how long a client may take
 * over its headers and its body, refuses a body over the limit before reading it, and passes
 * only whole requests' bytes on to workerd, streaming both ways. One misbehaving client gets a
 * 4xx or its connection closed; no other client waits on it, and the runtime never sees it.
 * docs/architecture.md ("The local node") says which layer does what.
 */
import { Agent, createServer, request as upstreamRequest, ServerResponse, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import { linger } from "./linger.ts";
import { proxyUpgrade } from "./upgrade.ts";

export interface FrontOptions {
  host: string;
  port: number;
  /** The runtime (workerd) on loopback. */
  upstream: URL;
  /** Largest request body, in bytes (D8: 10 MiB). */
  maxBody: number;
  /**
   * Called with a JSON log line for each answer the front gives itself (a request the worker never
   * saw: malformed, too slow, too large); the worker logs every other request in the same shape.
   */
  onRequest?: (line: string) => void;
}

/** A client must send its whole header block within this time. */
export const HEADERS_TIMEOUT_MS = 5_000;
/** A body that stops arriving for this long is abandoned with 408. */
export const BODY_IDLE_MS = 5_000;
/** A whole request (headers and body) must arrive within this time. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** The runtime must start its answer within this time (the longest `next` wait is 30 s). */
export const UPSTREAM_TIMEOUT_MS = 60_000;

// Per-connection headers that must not be forwarded (RFC 9110 §7.6.1), plus `expect`, which the front answers itself.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "expect", "proxy-authorization", "proxy-authenticate"]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? "").toLowerCase().split(",").map((s) => s.trim()));
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  }
  return out;
}

/** Whether a request's head declares a body (a length above 0, or chunks). */
const declaresBody = (headers: IncomingHttpHeaders): boolean => Number(headers["content-length"] ?? 0) > 0 || headers["transfer-encoding"] !== undefined;

const json = (status: number, error: string) => ({ status, body: JSON.stringify({ error }) + "\n" });

/** Writes an error answer straight to a socket that has no response object (a request that never parsed). */
function rawAnswer(socket: Socket, status: number, reason: string, error: string): void {
  const { body } = json(status, error);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  linger(socket);
}

/** What a parse error means for the client (llhttp's codes; Node's own for timeouts). */
function clientErrorAnswer(err: NodeJS.ErrnoException): [number, string, string] | undefined {
  switch (err.code) {
    case "ECONNRESET":
    case "EPIPE":
      return undefined;
    case "HPE_HEADER_OVERFLOW":
      return [431, "Request Header Fields Too Large", "request headers are too large (16 KiB at most)"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "Request Timeout", `request not received in time (headers within ${HEADERS_TIMEOUT_MS / 1000} s, the whole request within ${REQUEST_TIMEOUT_MS / 1000} s)`];
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return [400, "Bad Request", "malformed request: invalid or conflicting Content-Length"];
    case "HPE_INVALID_TRANSFER_ENCODING":
      return [400, "Bad Request", "malformed request: invalid Transfer-Encoding"];
    case "HPE_INVALID_CHUNK_SIZE":
      return [400, "Bad Request", "malformed request: invalid chunk size in a chunked body"];
    case "HPE_INVALID_EOF_STATE":
      return [400, "Bad Request", "malformed request: the connection ended before the request was complete"];
    default:
      return [400, "Bad Request", `malformed request (${String(err.code ?? "unknown").replace(/^HPE_/, "").toLowerCase().replaceAll("_", " ")})`];
  }
}

export function startFront(o: FrontOptions): Promise<Server> {
  const agent = new Agent({ keepAlive: true });
  // The request being answered on each connection, so a late parse error goes to the right place.
  const active = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse; fail: (status: number, error: string) => void }>();

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 500,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => proxy(req, res),
  );

  /** The log line of an answer the front gave itself, in the shape of the worker's (metrics.ts). */
  function logRefusal(req: IncomingMessage, started: number, status: number, error: string): void {
    const path = (req.url ?? "").split("?")[0].slice(0, 200);
    o.onRequest?.(JSON.stringify({ t: started, method: req.method, path, route: "front", status, ms: Date.now() - started, error }));
  }

  function proxy(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    let upstream: ReturnType<typeof upstreamRequest> | undefined;
    let idle: NodeJS.Timeout | undefined;
    let done = false;
    let refused: string | undefined; // the front's own error answer

    res.on("finish", () => {
      clearTimeout(idle);
      if (active.get(req.socket)?.res === res) active.delete(req.socket);
      if (refused !== undefined) logRefusal(req, started, res.statusCode, refused);
    });
    // The client went away before its answer was complete (an abandoned long-poll, say): stop the work behind it.
    res.on("close", () => {
      clearTimeout(idle);
      if (res.writableFinished) return;
      done = true;
      upstream?.destroy();
    });

    /** Answers with an error and closes the connection; the runtime's request, if any, is abandoned. */
    const fail = (status: number, error: string) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      upstream?.destroy();
      req.unpipe?.();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const { body } = json(status, error);
      refused = error;
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
      res.end(body, () => linger(req.socket));
    };
    active.set(req.socket, { req, res, fail });

    const host = req.headers.host;
    if (host === undefined || !validHost(host)) {
      fail(400, `malformed Host header ${JSON.stringify(String(host).slice(0, 80))}`);
      return;
    }
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > o.maxBody) {
      fail(413, `body of ${declared} bytes exceeds the limit of ${o.maxBody} bytes`);
      return;
    }
    const path = requestPath(req.url ?? "");
    if (path === undefined) {
      fail(400, `malformed request target ${JSON.stringify(String(req.url).slice(0, 80))}`);
      return;
    }

    const hasBody = declaresBody(req.headers);
    // The client's address, as Cloudflare's edge gives it deployed (never what the client claims).
    const upstreamHeaders = forwardable(req.headers);
    upstreamHeaders["cf-connecting-ip"] = req.socket.remoteAddress ?? "";
    // The body as passed on so far, kept until the runtime answers, in case the request is sent again (below).
    const sent: Buffer[] = [];
    let ended = false;
    let resent = false;
    const send = (pooled: boolean) => {
      const r = upstreamRequest(
        { host: o.upstream.hostname, port: o.upstream.port, method: req.method, path, headers: upstreamHeaders, agent: pooled ? agent : false, timeout: UPSTREAM_TIMEOUT_MS },
        (answer) => {
          if (done || res.headersSent) return answer.destroy();
          done = true;
          sent.length = 0;
          // An error answer may come before the runtime read the body, and then the runtime closes that
          // connection: it must not go back to the pool, where the next request would find it dead.
          if (hasBody && (answer.statusCode ?? 500) >= 400) r.shouldKeepAlive = false;
          const headers = forwardable(answer.headers);
          // Answered before the body was all sent (a 413, say): the rest is never read, so the connection cannot be reused.
          if (!req.complete) headers.connection = "close";
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
          answer.on("error", () => res.destroy());
        },
      );
      r.on("timeout", () => fail(504, `the scheduler did not answer within ${UPSTREAM_TIMEOUT_MS / 1000} s`));
      r.on("error", (err) => {
        // A pooled connection can die under a request the runtime never answered: workerd closes
        // idle connections at 5 s, racing a reuse, and under bursts of new connections it has been
        // seen to drop a second request on one unanswered. Sent again once, on a new connection (a
        // repeated post is answered with its first assignment, D7).
        if (!done && !resent && r.reusedSocket) {
          resent = true;
          upstream = send(false);
          for (const chunk of sent) upstream.write(chunk);
          if (ended) upstream.end();
          req.resume(); // a pause waiting on the dead request's "drain"
          return;
        }
        if (!done) console.error(`[front] runtime request failed: ${err.message}`);
        fail(502, "the scheduler runtime is not answering; try again shortly");
      });
      return r;
    };
    upstream = send(true);

    // The body streams through with backpressure; the front counts it and watches for stalls.
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(408, `the request body stopped arriving (no bytes for ${BODY_IDLE_MS / 1000} s)`), BODY_IDLE_MS);
    };
    let received = 0;
    armIdle();
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > o.maxBody) {
        if (done) req.pause(); // already answered: read no more; the connection closes after the answer
        return fail(413, `body exceeds the limit of ${o.maxBody} bytes`);
      }
      armIdle();
      if (done) return; // the runtime answered early; the rest of the body is discarded
      if (!resent) sent.push(chunk);
      if (upstream && !upstream.write(chunk)) {
        req.pause();
        upstream.once("drain", () => req.resume());
      }
    });
    req.on("end", () => {
      clearTimeout(idle);
      ended = true;
      upstream?.end();
    });
    const cut = () => fail(400, `the request body ended after ${received}${declared === undefined ? "" : ` of ${declared}`} bytes`);
    req.on("aborted", cut);
    req.on("error", cut);
  }

  // Live schedules: WebSocket upgrades are passed to workerd, then the sockets joined (upgrade.ts).
  // Any other upgrade (h2c, which `curl --http2` offers on http:// URLs) is ignored, as a server
  // may (RFC 9110 §7.8): the request is answered over HTTP/1.1, and the connection closed after,
  // since Node no longer parses it once an upgrade was asked for.
  server.on("upgrade", (req: IncomingMessage, socket: Socket, early: Buffer) => {
    const started = Date.now();
    if (!/\bwebsocket\b/i.test(String(req.headers.upgrade))) {
      // Bytes after the head (`early`) would be the new protocol's: they are dropped with the connection.
      if (declaresBody(req.headers)) {
        const error = `a request with a body cannot ask to upgrade to ${String(req.headers.upgrade).slice(0, 40)}: send it without the Upgrade header (this node speaks HTTP/1.1 and, for live schedules, WebSocket)`;
        logRefusal(req, started, 400, error);
        rawAnswer(socket, 400, "Bad Request", error);
        return;
      }
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket);
      // Node's server let go of this socket at the upgrade, its "drain" listener too: without this,
      // an answer larger than the socket takes at once waits for ever (the fuzz suite's 42 KB /metrics).
      socket.on("drain", () => res.emit("drain"));
      // No timeout of the server's applies to this socket any more: it is closed after the answer, whatever the client does.
      res.once("finish", () => {
        socket.end();
        linger(socket);
      });
      socket.on("error", () => socket.destroy());
      proxy(req, res);
      return;
    }
    proxyUpgrade(req, socket, early, {
      upstream: o.upstream,
      path: requestPath(req.url ?? ""),
      validHost: req.headers.host !== undefined && validHost(req.headers.host),
      onRefused: (status, error) => logRefusal(req, started, status, error),
    });
  });

  server.on("checkContinue", (req, res) => {
    const declared = Number(req.headers["content-length"]);
    if (!(declared > o.maxBody)) res.writeContinue();
    server.emit("request", req, res);
  });

  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    const current = active.get(socket);
    const answer = clientErrorAnswer(err);
    if (!answer || !socket.writable) {
      socket.destroy();
      return;
    }
    if (current && !current.req.complete) {
      // The body of the request being answered turned out malformed: answer it with the error.
      current.fail(answer[0], answer[2]);
      return;
    }
    if (current) {
      // A malformed request pipelined after one still being answered: that answer goes out whole, then the connection closes.
      current.res.once("close", () => socket.end());
      return;
    }
    rawAnswer(socket, answer[0], answer[1], answer[2]);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** A Host header workerd can build a request URL from: a host name or address and an optional port, nothing else. */
function validHost(host: string): boolean {
  try {
    const url = new URL(`http://${host}/`);
    return url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "" && url.host !== "";
  } catch {
    return false;
  }
}

/** The origin-form path of a request target ("/x?y"), from absolute form too; undefined for anything else. */
function requestPath(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    if (url.protocol === "http:" || url.protocol === "https:") return url.pathname + url.search;
  } catch {}
  return undefined;
}
