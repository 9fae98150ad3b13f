/**
 * HTTP/1.1 over node:net, byte for byte: the fuzzer writes exactly the request it means (paths
 * no client library would send, broken framing) and reads the answer itself, so it can tell an
 * answer from a close from silence, and time each.
 */
import { Socket, connect } from "node:net";

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

/** What became of a request: an answer (its status), the server closing without one, or neither by the deadline. */
export type Outcome =
  | { kind: "response"; status: number; head: string; body: Uint8Array; complete: boolean; ms: number }
  | { kind: "closed"; ms: number; error?: string }
  | { kind: "refused"; ms: number; error: string }
  | { kind: "timeout"; ms: number; partial?: string };

export type Headers = readonly (readonly [string, string])[];

/**
 * `METHOD target HTTP/1.1`, a Host header (unless `host` is null), `headers`, and Content-Length
 * for a body (unless `contentLength` is false), then the body.
 */
export function requestBytes(method: string, target: string, headers: Headers = [], body?: Uint8Array, opts: { host?: string | null; contentLength?: boolean } = {}): Uint8Array {
  const lines = [`${method} ${target} HTTP/1.1`];
  if (opts.host !== null) lines.push(`Host: ${opts.host ?? "127.0.0.1"}`);
  for (const [k, v] of headers) lines.push(`${k}: ${v}`);
  if (body && opts.contentLength !== false) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
  return body?.length ? Buffer.concat([head, body]) : head;
}

/** Chunked transfer-coding of `body` in chunks of `size`, terminated unless `terminate` is false. */
export function chunked(body: Uint8Array, size: number, terminate = true): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const part = body.subarray(at, at + size);
    parts.push(enc(`${part.length.toString(16)}\r\n`), part, enc("\r\n"));
  }
  if (terminate) parts.push(enc("0\r\n\r\n"));
  return Buffer.concat(parts);
}

type Parsed = { status: number; head: string; body: Uint8Array; complete: boolean } | undefined;

/** Parses one response from `buf` (skipping 1xx); `closed` says the stream ended. Undefined: need more bytes. */
export function parseResponse(buf: Buffer, closed: boolean, headRequest = false): Parsed {
  let at = 0;
  for (;;) {
    const end = buf.indexOf("\r\n\r\n", at);
    const endLf = buf.indexOf("\n\n", at);
    const stop = end >= 0 && (endLf < 0 || end < endLf) ? end + 4 : endLf >= 0 ? endLf + 2 : -1;
    if (stop < 0) return closed && buf.length > at ? { status: 0, head: buf.subarray(at).toString("latin1"), body: new Uint8Array(0), complete: false } : undefined;
    const head = buf.subarray(at, stop).toString("latin1");
    const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
    const status = m ? Number(m[1]) : 0;
    if (status >= 100 && status < 200 && status !== 101) {
      at = stop;
      continue;
    }
    const rest = buf.subarray(stop);
    const header = (name: string) => new RegExp(`^${name}:[ \\t]*([^\\r\\n]*)`, "im").exec(head)?.[1].trim();
    if (headRequest || status === 204 || status === 304) return { status, head, body: new Uint8Array(0), complete: true };
    if (/chunked/i.test(header("transfer-encoding") ?? "")) return dechunk(rest, status, head, closed);
    const length = header("content-length");
    if (length !== undefined && /^\d+$/.test(length)) {
      const n = Number(length);
      if (rest.length >= n) return { status, head, body: rest.subarray(0, n), complete: true };
      return closed ? { status, head, body: rest, complete: false } : undefined;
    }
    return closed ? { status, head, body: rest, complete: true } : undefined;
  }
}

function dechunk(rest: Buffer, status: number, head: string, closed: boolean): Parsed {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = rest.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(rest.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size)) return { status, head, body: Buffer.concat(parts), complete: false };
    if (size === 0) return { status, head, body: Buffer.concat(parts), complete: true }; // trailers are not read
    if (rest.length < eol + 2 + size + 2) break;
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return closed ? { status, head, body: Buffer.concat(parts), complete: false } : undefined;
}

/**
 * One TCP connection that a case drives step by step (write, half-close, wait, close) and whose
 * answer it awaits with a deadline. Write errors (the server closed first) are not failures: the
 * connection's outcome says what the server did.
 */
export class Connection {
  readonly #socket: Socket;
  readonly #started = Date.now();
  readonly #connected: Promise<string | undefined>;
  #buf: Buffer = Buffer.alloc(0);
  #closed = false;
  #error: string | undefined;
  #refused: string | undefined;
  #wake: (() => void) | undefined;
  #headRequest = false;

  /** `localAddress`: the loopback address to connect from (another client, as the server sees it). */
  constructor(port: number, host = "127.0.0.1", localAddress?: string) {
    this.#socket = connect({ port, host, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
    this.#socket.setNoDelay(true);
    this.#connected = new Promise((resolve) => {
      this.#socket.once("connect", () => resolve(undefined));
      this.#socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    this.#socket.on("data", (d: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d;
      this.#wake?.();
    });
    this.#socket.on("end", () => this.#wake?.()); // the server's FIN: parse what came
    this.#socket.on("error", (e: NodeJS.ErrnoException) => {
      this.#error ??= e.code ?? e.message;
      if (e.code === "ECONNREFUSED") this.#refused = e.code;
    });
    this.#socket.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  get elapsed(): number {
    return Date.now() - this.#started;
  }

  /** Whether the server has ended its side or the socket is gone. */
  get closed(): boolean {
    return this.#closed || this.#socket.readableEnded;
  }

  /** The response to a HEAD has no body whatever its headers say. */
  expectHeadResponse(): void {
    this.#headRequest = true;
  }

  /**
   * Writes `bytes` in pieces of `piece`, so a server's early answer stops us. False once the
   * connection is gone, or when the server has not taken the bytes `deadlineMs` after the
   * connection opened (it stopped reading).
   */
  async write(bytes: Uint8Array, piece = 1 << 20, deadlineMs = 10_000): Promise<boolean> {
    if (await this.#connected) return false;
    for (let at = 0; at < bytes.length; at += piece) {
      if (this.#socket.destroyed || this.#socket.writableEnded || this.#closed) return false;
      const left = this.#started + deadlineMs - Date.now();
      if (left <= 0) return false;
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), left);
        this.#socket.write(bytes.subarray(at, at + piece), (err) => {
          clearTimeout(timer);
          resolve(!err);
        });
      });
      if (!ok) return false;
    }
    return true;
  }

  /** Half-close: our FIN, the server may still answer. */
  end(): void {
    if (!this.#socket.destroyed) this.#socket.end();
  }

  /** Drops the connection (RST-free close from our side). */
  close(): void {
    this.#socket.destroy();
  }

  /** The answer, the server's close, or a timeout `deadlineMs` after the connection was opened. */
  async outcome(deadlineMs: number): Promise<Outcome> {
    const stop = this.#started + deadlineMs;
    await this.#connected;
    for (;;) {
      if (this.#refused) return { kind: "refused", ms: this.elapsed, error: this.#refused };
      const ended = this.closed;
      const parsed = parseResponse(this.#buf, ended, this.#headRequest);
      if (parsed) return { kind: "response", ...parsed, ms: this.elapsed };
      if (ended) return { kind: "closed", ms: this.elapsed, ...(this.#error ? { error: this.#error } : {}) };
      const left = stop - Date.now();
      if (left <= 0) return { kind: "timeout", ms: this.elapsed, ...(this.#buf.length ? { partial: this.#buf.subarray(0, 120).toString("latin1") } : {}) };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}

/** Sends one complete request on `conn` (a fresh connection) and awaits its outcome; the connection is then closed. */
export async function exchange(conn: Connection, request: Uint8Array, deadlineMs: number, head = false): Promise<Outcome> {
  if (head) conn.expectHeadResponse();
  try {
    void conn.write(request, 1 << 20, deadlineMs);
    return await conn.outcome(deadlineMs);
  } finally {
    conn.close();
  }
}

/** A short text of a response for reports: status line and the start of the body. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case "response": {
      const line = o.head.split(/\r?\n/)[0];
      const body = latin1(o.body.subarray(0, 160)).replace(/\s+/g, " ");
      return `${line || "(unparseable answer)"}${body ? ` ${JSON.stringify(body)}` : ""}${o.complete ? "" : " (incomplete)"} in ${o.ms} ms`;
    }
    case "closed":
      return `connection closed without an answer after ${o.ms} ms${o.error ? ` (${o.error})` : ""}`;
    case "refused":
      return `connection refused (${o.error})`;
    case "timeout":
      return `no answer and no close within ${o.ms} ms${o.partial ? ` (only part of one: ${JSON.stringify(o.partial)})` : ""}`;
  }
}
