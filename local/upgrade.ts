/**
 * WebSocket upgrades through the local HTTP front (live schedules, docs/live.md): the upgrade
 * request goes to workerd as it came (strictly parsed by the front's llhttp, its Host and target
 * checked the same way); workerd's 101 is passed back and the two sockets are joined, with
 * backpressure both ways. Any other answer (a 4xx before the upgrade) is passed back whole and
 * the connection closed.
 */
import { request as upstreamRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Duplex } from "node:stream";
import { linger } from "./linger.ts";

// Per-connection headers that are not passed on, except the two an upgrade needs.
const DROPPED = new Set(["keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "expect", "proxy-authorization", "proxy-authenticate"]);

function upgradeHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !DROPPED.has(name)) out[name] = value;
  out.connection = "Upgrade";
  return out;
}

/** The head of an HTTP/1.1 answer, as raw text. */
function head(status: number, message: string, raw: string[]): string {
  let text = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return text + "\r\n";
}

export interface UpgradeOptions {
  upstream: URL;
  /** The path to send (the front's own check of the request target), or undefined to refuse it. */
  path: string | undefined;
  /** Whether the Host header is one workerd can build a URL from. */
  validHost: boolean;
  /** Told of an answer the front gives itself (the worker logs those it gives). */
  onRefused?: (status: number, error: string) => void;
}

export function proxyUpgrade(req: IncomingMessage, socket: Duplex, early: Buffer, o: UpgradeOptions): void {
  /** Answers a request that cannot be passed on, and closes. */
  const refuse = (status: number, reason: string, error: string, extra = ""): void => {
    o.onRefused?.(status, error);
    const body = JSON.stringify({ error }) + "\n";
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`);
    linger(socket);
  };
  socket.on("error", () => socket.destroy());
  if (!o.validHost) return refuse(400, "Bad Request", `malformed Host header ${JSON.stringify(String(req.headers.host).slice(0, 80))}`);
  if (req.method !== "GET" || String(req.headers.upgrade).toLowerCase() !== "websocket") return refuse(400, "Bad Request", "only WebSocket upgrades of GET requests are served (live schedules, docs/live.md)");
  if (o.path === undefined) return refuse(400, "Bad Request", `malformed request target ${JSON.stringify(String(req.url).slice(0, 80))}`);
  // The handshake's own headers (RFC 6455 §4.1), checked here as the edge does: workerd would answer a bad one in plain text.
  const version = req.headers["sec-websocket-version"];
  if (version !== "13") return refuse(426, "Upgrade Required", `a WebSocket upgrade needs Sec-WebSocket-Version: 13, got ${JSON.stringify(version ?? "none")}`, "sec-websocket-version: 13\r\n");
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || !/^[A-Za-z0-9+/]{22}==$/.test(key)) return refuse(400, "Bad Request", `a WebSocket upgrade needs a Sec-WebSocket-Key of 16 bytes in base64, got ${JSON.stringify(String(key ?? "none").slice(0, 40))}`);
  const upstream = upstreamRequest({ host: o.upstream.hostname, port: o.upstream.port, method: req.method, path: o.path, headers: upgradeHeaders(req.headers), agent: false });
  socket.once("close", () => upstream.destroy());
  upstream.on("upgrade", (answer: IncomingMessage, inner: Duplex, innerEarly: Buffer) => {
    socket.write(head(101, answer.statusMessage ?? "Switching Protocols", answer.rawHeaders));
    if (innerEarly.length > 0) socket.write(innerEarly);
    if (early.length > 0) inner.write(early);
    inner.on("error", () => socket.destroy());
    inner.once("close", () => socket.destroy());
    socket.once("close", () => inner.destroy());
    inner.pipe(socket);
    socket.pipe(inner);
  });
  upstream.on("response", (answer: IncomingMessage) => {
    // Its body is passed on as read (de-chunked), delimited by the close.
    const raw = answer.rawHeaders.filter((_, i, all) => !/^(connection|transfer-encoding)$/i.test(all[i - (i % 2)]));
    socket.write(head(answer.statusCode ?? 502, answer.statusMessage ?? "", [...raw, "connection", "close"]));
    answer.pipe(socket);
  });
  upstream.on("error", (err) => {
    if (socket.writable) {
      console.error(`[front] runtime upgrade failed: ${err.message}`);
      refuse(502, "Bad Gateway", "the scheduler runtime is not answering; try again shortly");
    } else socket.destroy();
  });
  upstream.end();
}
