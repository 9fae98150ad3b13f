/**
 * Raw-socket cases: what an HTTP client library would never send. Broken framing, bodies that
 * stop, connections held open or half-closed, slow headers, abandoned long-polls. Each case runs
 * alone; while it holds a connection, and after it, a normal request must answer within 2 s.
 */
import type { World } from "./control.ts";
import { Connection, chunked, enc, requestBytes, type Outcome } from "./http.ts";
import { unknownId, Rng } from "./random.ts";

export const DEADLINE_MS = 10_000;
export const PROBE_MS = 2_000;
/** How long a case holds a connection before checking that other clients are served. */
const HOLD_BEFORE_PROBE_MS = 300;

export interface Probe {
  ok: boolean;
  what: string;
  detail: string;
  ms: number;
}

export interface RawContext {
  /** A new connection to the server. */
  open(): Connection;
  world: World;
  /** A normal request (GET /~scheduler@1.0/info unless `path` says otherwise) with a 2 s deadline. */
  probe(when: string, path?: string): Promise<Probe>;
}

export interface RawResult {
  /** The server's answer to the case's own request; absent when the case closed the connection itself first. */
  outcome?: Outcome;
  /** Answers to the case's other requests (a pipelined second request, say), judged like the first. */
  probes: Probe[];
  note?: string;
}

export interface RawCase {
  name: string;
  route: string;
  what: string;
  /** Whether any answer but a refusal (4xx or a close) is wrong. */
  refuse: boolean;
  /** Whether it holds a connection until the server times it out: such cases run together, to bound the run's time. */
  holds?: boolean;
  run(ctx: RawContext): Promise<RawResult>;
}

const D = "/~scheduler@1.0";
const SCHEDULE = `POST ${D}/schedule`;
const ANS104 = "content-type: application/ans104\r\n";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer to what is already written, probing other clients if it takes longer than a moment. */
async function await_(ctx: RawContext, conn: Connection): Promise<RawResult> {
  const pending = conn.outcome(DEADLINE_MS);
  const first = await Promise.race([pending.then(() => "answered"), sleep(HOLD_BEFORE_PROBE_MS).then(() => "held")]);
  const probes = first === "held" ? [await ctx.probe("while the case's connection is held open")] : [];
  const outcome = await pending;
  conn.close();
  return { outcome, probes };
}

/** Writes `bytes`, optionally half-closes, and awaits the server's answer or close. */
function sendAndAwait(bytes: Uint8Array | string, halfClose = false) {
  return async (ctx: RawContext): Promise<RawResult> => {
    const conn = ctx.open();
    await conn.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes, 1 << 16, DEADLINE_MS);
    if (halfClose) conn.end();
    return await_(ctx, conn);
  };
}

/** Writes `bytes`, then drops the connection after `ms`; whatever the server said by then is judged. */
function sendAndClose(bytes: Uint8Array | string, ms = 100) {
  return async (ctx: RawContext): Promise<RawResult> => {
    const conn = ctx.open();
    await conn.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes, 1 << 16, DEADLINE_MS);
    await sleep(ms);
    const seen = await conn.outcome(conn.elapsed + 1);
    conn.close();
    return { outcome: seen.kind === "timeout" ? undefined : seen, probes: [], note: "closed by the fuzzer" };
  };
}

const post = (path: string, headers: string, body = "") => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n${body}`;
/** A malformed request sent whole. `refuse` false: the RFC lets a server read it leniently, so a 2xx is no warning. */
const framing = (name: string, what: string, request: string, route = SCHEDULE, refuse = true): RawCase => ({ name, route, what, refuse, run: sendAndAwait(request) });

/** Eleven MiB of a chunked upload, unterminated: the server must stop it at 10 MiB. */
async function chunkedOverLimit(ctx: RawContext, hold: boolean): Promise<RawResult> {
  const conn = ctx.open();
  const head = enc(post(`${D}/schedule`, `${ANS104}transfer-encoding: chunked\r\n`));
  const body = chunked(new Uint8Array(11 << 20).fill(0x41), 1 << 16, false);
  const all = await conn.write(Buffer.concat([head, body]), 1 << 16, DEADLINE_MS);
  const note = all ? "the server took all 11 MiB" : "the server stopped taking the upload";
  if (!hold) {
    const seen = await conn.outcome(conn.elapsed + 1);
    conn.close();
    return { outcome: seen.kind === "timeout" ? undefined : seen, probes: [], note: `${note}; closed by the fuzzer` };
  }
  return { ...(await await_(ctx, conn)), note };
}

/** Headers that never end: silently, or one header line at a time (slowloris). */
async function slowHeaders(ctx: RawContext, trickle: boolean): Promise<RawResult> {
  const conn = ctx.open();
  await conn.write(enc(`GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\n`));
  if (!trickle) return await_(ctx, conn);
  const pending = conn.outcome(DEADLINE_MS);
  let done = false;
  void pending.then(() => (done = true));
  const probes: Probe[] = [];
  for (let i = 0; !done && conn.elapsed < DEADLINE_MS; i++) {
    await conn.write(enc(`X-Slow-${i}: ${"s".repeat(10)}\r\n`));
    if (i === 1) probes.push(await ctx.probe("while headers trickle in"));
    await Promise.race([pending, sleep(500)]);
  }
  const outcome = await pending;
  conn.close();
  return { outcome, probes };
}

/** Long-polls for a slot that will not come, on the control process and on unknown ones, then dropped. */
async function abandonedLongPolls(ctx: RawContext): Promise<RawResult> {
  const { control, current } = ctx.world;
  const rng = new Rng(ctx.world.seed ^ 0x1009);
  const targets = [control, control, control, control, unknownId(rng), unknownId(rng), unknownId(rng), unknownId(rng)];
  const conns = targets.map((pid) => {
    const conn = ctx.open();
    void conn.write(requestBytes("GET", `${D}/next?target=${pid}&from=${current + 1000}&wait=30000`));
    return conn;
  });
  await sleep(HOLD_BEFORE_PROBE_MS);
  const probes = [
    await ctx.probe("while 8 long-polls wait"),
    await ctx.probe("the control process's slot while 8 long-polls wait", `/${control}/slot`),
    await ctx.probe("next of slot 0 of the control process while 8 long-polls wait", `${D}/next?target=${control}&from=0&wait=0`),
  ];
  const early = await Promise.all(conns.map((c) => c.outcome(c.elapsed + 1)));
  for (const c of conns) c.close();
  await sleep(100);
  probes.push(await ctx.probe("next of slot 0 of the control process after the long-polls were dropped", `${D}/next?target=${control}&from=0&wait=0`));
  // A long-poll must not answer before its slot exists or its wait ends: anything but silence is judged.
  const answered = early.find((o) => o.kind !== "timeout");
  return { outcome: answered, probes, note: "8 long-polls (wait=30000) dropped after 300 ms" };
}

/** Many connections that never send a byte, held while another client is served. */
async function idleConnections(ctx: RawContext): Promise<RawResult> {
  const conns = Array.from({ length: 200 }, () => ctx.open());
  await sleep(HOLD_BEFORE_PROBE_MS);
  const probes = [await ctx.probe("while 200 idle connections are open")];
  for (const c of conns) c.close();
  return { probes, note: "200 idle connections opened and dropped" };
}

/** A valid request and a malformed one in one write: the first must still be answered. */
async function pipelined(ctx: RawContext): Promise<RawResult> {
  const conn = ctx.open();
  await conn.write(enc(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST ${D}/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: zz\r\n\r\n`));
  return await_(ctx, conn);
}

function tlsClientHello(): Uint8Array {
  const rng = new Rng(0x7151);
  const hello = Buffer.concat([Buffer.from([0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), rng.bytes(32), Buffer.from([0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00]), rng.bytes(0xa1 - 41)]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, hello.length]), hello]);
}

/** The cases that only a server's own timeout ends. */
const HOLDING = new Set(["body-short-hold", "body-short-hold-legacy", "chunk-size-over-limit", "bare-cr", "headers-incomplete-hold", "slowloris"]);

export function rawCases(): RawCase[] {
  const cases: RawCase[] = [];
  const add = (name: string, route: string, what: string, run: RawCase["run"], refuse = true) => cases.push({ name, route, what, refuse, run });

  // Bodies that stop.
  add("body-short-close", SCHEDULE, "Content-Length: 1000, 3 bytes, then close", sendAndClose(post(`${D}/schedule`, `${ANS104}Content-Length: 1000\r\n`, "abc")));
  add("body-short-close-legacy", "POST /", "Content-Length: 1000, 3 bytes, then close", sendAndClose(post("/", "Content-Length: 1000\r\n", "abc")));
  add("body-short-hold", SCHEDULE, "Content-Length: 1000, 3 bytes, then hold the connection open", sendAndAwait(post(`${D}/schedule`, `${ANS104}Content-Length: 1000\r\n`, "abc")));
  add("body-short-hold-legacy", "POST /", "Content-Length: 1000, 3 bytes, then hold the connection open", sendAndAwait(post("/", "Content-Length: 1000\r\n", "abc")));
  add("body-short-half-close", SCHEDULE, "Content-Length: 100, 10 bytes, then half-close (shutdown write)", sendAndAwait(post(`${D}/schedule`, `${ANS104}Content-Length: 100\r\n`, "0123456789"), true));
  add("body-short-half-close-legacy", "POST /", "Content-Length: 100, 10 bytes, then half-close (shutdown write)", sendAndAwait(post("/", "Content-Length: 100\r\n", "0123456789"), true));
  add("request-half-close", "GET /health", "a complete GET, then half-close: still answered", sendAndAwait(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, true), false);

  // Declared lengths over the limit, with no body.
  for (const cl of ["10485761", "9007199254740993", "18446744073709551616"]) {
    add(`content-length-${cl}`, SCHEDULE, `Content-Length: ${cl} (over 10 MiB) and no body, connection held open`, sendAndAwait(post(`${D}/schedule`, `${ANS104}Content-Length: ${cl}\r\n`)));
  }
  add("content-length-10485761-legacy", "POST /", "Content-Length: 10485761 and no body, connection held open", sendAndAwait(post("/", "Content-Length: 10485761\r\n")));

  // Chunked uploads past the limit.
  add("chunked-11mib-close", SCHEDULE, "chunked upload of 11 MiB (no terminating chunk), then close", (ctx) => chunkedOverLimit(ctx, false));
  add("chunked-11mib-hold", SCHEDULE, "chunked upload of 11 MiB (no terminating chunk), then hold the connection open", (ctx) => chunkedOverLimit(ctx, true));

  // Malformed framing.
  const cl = (v: string) => `${ANS104}Content-Length: ${v}\r\n`;
  for (const [name, value] of [["abc", "abc"], ["negative", "-1"], ["exponent", "1e9"], ["hex", "0x7fffffff"], ["plus", "+3"], ["inner-space", "1 0"], ["empty", ""]]) {
    cases.push(framing(`content-length-${name}`, `Content-Length: ${JSON.stringify(value)}, 3-byte body`, post(`${D}/schedule`, cl(value), "abc")));
  }
  cases.push(
    framing("content-length-duplicate", "two conflicting Content-Length headers (3 and 5), 5-byte body", post(`${D}/schedule`, `${ANS104}Content-Length: 3\r\nContent-Length: 5\r\n`, "abcde")),
    framing("content-length-list", "Content-Length: 3, 5", post(`${D}/schedule`, cl("3, 5"), "abcde")),
    framing("content-length-space-before-colon", "Content-Length : 3", post(`${D}/schedule`, `${ANS104}Content-Length : 3\r\n`, "abc")),
    framing("content-length-and-chunked", "Content-Length: 5 and Transfer-Encoding: chunked", post(`${D}/schedule`, `${ANS104}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`, "0\r\n\r\n")),
    framing("transfer-encoding-unknown", "Transfer-Encoding: gzip", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: gzip\r\n`, "abc")),
    framing("transfer-encoding-chunked-twice", "Transfer-Encoding: chunked, chunked", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked, chunked\r\n`, "3\r\nabc\r\n0\r\n\r\n")),
    framing("transfer-encoding-obfuscated", "Transfer-Encoding: xchunked", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: xchunked\r\n`, "3\r\nabc\r\n0\r\n\r\n")),
    framing("chunk-size-junk", "chunk size 'zz'", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked\r\n`, "zz\r\nabc\r\n0\r\n\r\n")),
    framing("chunk-size-negative", "chunk size '-1'", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked\r\n`, "-1\r\nabc\r\n0\r\n\r\n")),
    framing("chunk-size-overflow", "chunk size 'ffffffffffffffffffff' (overflows 64 bits)", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked\r\n`, "ffffffffffffffffffff\r\nabc\r\n")),
    framing("chunk-size-over-limit", "one chunk declared at 11 MiB, 3 bytes sent, held open", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked\r\n`, `${(11 << 20).toString(16)}\r\nabc`)),
    framing("chunk-missing-crlf", "chunk data without its CRLF", post(`${D}/schedule`, `${ANS104}Transfer-Encoding: chunked\r\n`, "3\r\nabcXX0\r\n\r\n")),
    framing("header-without-colon", "a header line without a colon", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fuzz\r\n\r\n`, `GET ${D}/info`),
    framing("header-obs-fold", "an obs-fold continuation line", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fuzz: a\r\n b\r\n\r\n`, `GET ${D}/info`, false),
    framing("header-nul", "a NUL byte in a header value", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fuzz: a\0b\r\n\r\n`, `GET ${D}/info`),
    framing("bare-lf", "bare LF line endings", `GET ${D}/info HTTP/1.1\nHost: 127.0.0.1\n\n`, `GET ${D}/info`, false),
    framing("bare-cr", "bare CR line endings", `GET ${D}/info HTTP/1.1\rHost: 127.0.0.1\r\r`, `GET ${D}/info`),
    framing("bare-lf-body", "bare LF line endings with a Content-Length body", `POST ${D}/schedule HTTP/1.1\nHost: 127.0.0.1\ncontent-type: application/ans104\nContent-Length: 3\n\nabc`),
    framing("header-100kib", "one 100 KiB header", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"b".repeat(100 << 10)}\r\n\r\n`, `GET ${D}/info`, false),
    framing("headers-1mib", "1 MiB of headers", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\n${"X-Many: 0123456789abcdef\r\n".repeat(40_000)}\r\n`, `GET ${D}/info`),
    framing("headers-10000", "10,000 header lines", `GET ${D}/info HTTP/1.1\r\nHost: 127.0.0.1\r\n${"A: b\r\n".repeat(10_000)}\r\n`, `GET ${D}/info`, false),
    framing("request-line-garbage", "a request line that is not one", "GARBAGE\r\n\r\n", "(none)"),
    framing("request-line-http-9.9", "HTTP/9.9", `GET ${D}/info HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n`, `GET ${D}/info`, false),
    framing("request-line-http-0.9", "an HTTP/0.9 request line", `GET ${D}/info\r\n\r\n`, `GET ${D}/info`, false),
    framing("request-line-spaces", "extra spaces in the request line", `GET  ${D}/info  HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, `GET ${D}/info`, false),
    framing("request-line-1mib", "a 1 MiB request line", `GET /${"a".repeat(1 << 20)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, "GET /aaa…"),
  );
  add("binary-junk", "(none)", "512 random bytes, then CRLF CRLF", sendAndAwait(Buffer.concat([new Rng(0xb1a).bytes(512), enc("\r\n\r\n")])));
  add("tls-client-hello", "(none)", "a TLS ClientHello, as from an https:// client", sendAndAwait(tlsClientHello()));
  add("pipelined-bad-second", "GET /health", "a valid GET pipelined with a POST whose Content-Length is 'zz'", pipelined, false);

  // Slow and silent clients.
  add("headers-incomplete-hold", `GET ${D}/info`, "headers never finished, connection held open silently", (ctx) => slowHeaders(ctx, false));
  add("slowloris", `GET ${D}/info`, "headers never finished, one more header line every 500 ms", (ctx) => slowHeaders(ctx, true));
  add("idle-connections", "(none)", "200 connections that send nothing", idleConnections, false);
  add("long-poll-abandoned", `GET ${D}/next`, "8 long-polls for a future slot with wait=30000, dropped after 300 ms", abandonedLongPolls, false);
  for (const c of cases) c.holds = HOLDING.has(c.name);
  return cases;
}
