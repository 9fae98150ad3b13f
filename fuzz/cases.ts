/**
 * The HTTP cases: well-framed requests carrying bad input. Case i of a seed is always the same
 * request: the first cases are a fixed sweep (every route with valid input, every D8 limit met
 * and crossed by one, every parameter of every route with every kind of junk, every path id,
 * every content-type, every hint and location-record Url aimed at a private destination), the
 * rest are drawn from the seeded generator (random-cases.ts).
 */
import type { World } from "./control.ts";
import { destinationCases } from "./destinations.ts";
import { chunked, requestBytes, type Headers } from "./http.ts";
import { LIMIT_CASES } from "./items.ts";
import { Rng, unknownId } from "./random.ts";
import { ROUTES, BAD_IDS, BAD_INTS, ODD_FREE, acceptableQuery, type Param, type Route } from "./routes.ts";

/** What a correct server does with the input: refuse it (4xx), accept it (2xx), or either. */
export type Expect = "refuse" | "accept" | "any";

export interface HttpCase {
  index: number;
  cls: string;
  method: string;
  /** The request-target as sent. */
  target: string;
  /** The input, in words. */
  what: string;
  expect: Expect;
  /** For limit cases: the error text (or status) that shows the limit tripped. */
  error?: RegExp | number;
  head?: boolean;
  request(): Promise<Uint8Array> | Uint8Array;
}

export const ANS104: Headers = [["content-type", "application/ans104"]];

export const fill = (text: string, w: World, unknown: string): string =>
  text.replaceAll("{pid}", w.control).replaceAll("{unknown}", unknown);

export const query = (pairs: readonly (readonly [string, string])[]): string => (pairs.length ? "?" + pairs.map(([k, v]) => `${k}=${v}`).join("&") : "");

/** The baseline query of a route, with `{pid}` filled. POST / assigns an unknown id, which is a 404 and takes no slot. */
function baseline(route: Route, w: World, unknown: string): [string, string][] {
  const base = route.path === "/" && route.method === "POST" ? { "process-id": "{pid}", assign: "{unknown}" } : route.base;
  return Object.entries(base).map(([k, v]) => [k, fill(v, w, unknown)]);
}

/** A request on `route`: a held control item as the body of a write (re-posting it is a no-op). */
export function routeRequest(route: Route, w: World, path: string, q: string, body = w.held[1].raw, headers?: Headers): () => Uint8Array {
  const h = headers ?? (route.body === "ans104" ? ANS104 : route.body ? [["content-type", "application/octet-stream"] as const] : []);
  return () => requestBytes(route.method, path + q, h, route.body ? body : undefined);
}

function badValues(p: Param): string[] {
  switch (p.kind) {
    case "nat":
      return [...BAD_INTS, ...(p.max < Number.MAX_SAFE_INTEGER ? [String(p.max + 1)] : []), ...(p.min > 0 ? [String(p.min - 1)] : [])];
    case "signed":
      return [...BAD_INTS, ...(p.min > Number.MIN_SAFE_INTEGER ? [String(p.min - 1)] : [])];
    case "id":
      return p.required ? ["", ...BAD_IDS] : BAD_IDS;
    case "assign":
      return BAD_IDS;
    case "free":
      return ODD_FREE;
  }
}

/** Ids in a path that route somewhere real (`..` climbs, `~scheduler@1.0` is the device): any answer is fine. */
export const routesElsewhere = (id: string) => id === ".." || id.startsWith("~");

export const JUNK_PATHS = [
  "/{pid}/../schedule",
  "/~scheduler@1.0/../../../etc/passwd",
  "/..%2F..%2F..%2Fetc%2Fpasswd",
  "/%2e%2e/%2e%2e/etc/passwd",
  "/..\\..\\windows\\win.ini",
  "//~scheduler@1.0//info",
  "/~scheduler@1.0/./info",
  "/%7Escheduler@1.0/info",
  "/~scheduler%401.0/info",
  "/~scheduler@1.0/info%00",
  "/~scheduler@1.0/info/",
  "/~scheduler@1.0/nope",
  "/~other@1.0/info",
  "/~scheduler@1.0",
  "/%",
  "/%zz",
  "/%ff%fe%fd",
  "/%c0%af%c0%ae",
  "/%e2%80%ae{pid}",
  "/%00",
  "/{pid}%00/slot",
  "/{pid}/slot/current/extra",
  "/{pid}/latest/x",
  "/{pid}/{pid}/schedule",
  "/processes/",
  "/processes/{pid}/x",
  "/processes/%2e%2e",
  "/?",
  "/?&&&==&",
  "/{pid}?process-id={pid}&process-id=x",
  "*",
  "http://evil.example/~scheduler@1.0/info",
  "~scheduler@1.0/info",
  "/" + "a/".repeat(2000),
  "/" + "%41".repeat(5000),
];

export const CONTENT_TYPES: readonly (readonly [string, Expect])[] = [
  ["", "refuse"],
  ["text/plain", "refuse"],
  ["application/json", "refuse"],
  ["application/x-www-form-urlencoded", "refuse"],
  ["multipart/form-data; boundary=fuzz", "refuse"],
  ["multipart/form-data", "refuse"],
  ["application/ans104x", "refuse"],
  ["application/ans10", "refuse"],
  ["application/octet-stream", "refuse"],
  ["\x01\x7f\xff", "refuse"],
  ["x".repeat(8000), "refuse"],
  ["APPLICATION/ANS104", "any"],
  ["application/ans104; charset=utf-8", "any"],
  ["application/ans104;;;", "any"],
  ["application/ans104, text/plain", "refuse"],
];

/** The fixed sweep, in order. */
export function systematicCases(w: World): Omit<HttpCase, "index">[] {
  const unknown = unknownId(new Rng(w.seed ^ 0x5eed));
  const out: Omit<HttpCase, "index">[] = [];
  const D = "/~scheduler@1.0";

  // Every route with valid input: nothing here may be a 5xx either.
  for (const route of ROUTES) {
    const path = fill(route.path, w, unknown);
    const q = query(baseline(route, w, unknown));
    out.push({ cls: "baseline", method: route.method, target: path + q, what: "valid request", expect: "any", request: routeRequest(route, w, path, q) });
  }

  // Every D8 limit: crossed by one on each write route (to the control process: were one accepted,
  // its schedule would change), and met exactly (to the scratch process: must be accepted).
  for (const lc of LIMIT_CASES) {
    const targets = lc.over ? [`${D}/schedule`, `/${w.control}/schedule`, "/"] : [`${D}/schedule`];
    for (const target of targets) {
      const pid = lc.over ? w.control : w.scratch;
      const headers: Headers = target === "/" ? [] : ANS104;
      out.push({
        cls: "limits",
        method: "POST",
        target,
        what: `${lc.over ? "over" : "at"} the ${lc.limit} limit: ${lc.what}, validly signed`,
        expect: lc.over ? "refuse" : "accept",
        error: lc.over ? lc.error : undefined,
        request: async () => requestBytes("POST", target, headers, (await lc.build(w.items, pid)).raw),
      });
    }
    if (lc.over && lc.limit === "body") {
      out.push({
        cls: "limits",
        method: "POST",
        target: `${D}/schedule`,
        what: `over the body limit, streamed chunked with no Content-Length: ${lc.what}, validly signed`,
        expect: "refuse",
        error: lc.error,
        request: async () => requestBytes("POST", `${D}/schedule`, [...ANS104, ["transfer-encoding", "chunked"]], chunked((await lc.build(w.items, w.control)).raw, 1 << 16), { contentLength: false }),
      });
    }
  }

  // Every parameter of every route, each kind of junk, the others valid.
  for (const route of ROUTES) {
    const path = fill(route.path, w, unknown);
    for (const [name, p] of Object.entries(route.params)) {
      for (const value of badValues(p)) {
        const pairs = baseline(route, w, unknown).filter(([k]) => k !== name);
        pairs.push([name, value]);
        const q = query(pairs);
        const expect: Expect = acceptableQuery(route, q.slice(1)) ? "any" : "refuse";
        out.push({ cls: "params", method: route.method, target: path + q, what: `${name}=${clip(value)}`, expect, request: routeRequest(route, w, path, q) });
      }
    }
  }

  // Every process-id position in a path: each kind of bad id, and a well-formed unknown one.
  for (const route of ROUTES.filter((r) => r.path.includes("{pid}"))) {
    for (const id of [...BAD_IDS, unknown]) {
      const path = route.path.replaceAll("{pid}", id);
      const q = query(baseline(route, w, unknown));
      const expect: Expect = routesElsewhere(id) ? "any" : "refuse";
      out.push({ cls: "ids", method: route.method, target: path + q, what: `process id in the path: ${id === unknown ? "unknown" : clip(id)}`, expect, request: routeRequest(route, w, path, q) });
    }
  }

  for (const junk of JUNK_PATHS) {
    const target = fill(junk, w, unknown);
    out.push({ cls: "paths", method: "GET", target, what: `path ${clip(junk)}`, expect: "any", request: () => requestBytes("GET", target) });
  }

  for (const [type, expect] of CONTENT_TYPES) {
    const headers: Headers = type === "" ? [] : [["content-type", type]];
    out.push({
      cls: "content-type",
      method: "POST",
      target: `${D}/schedule`,
      what: `a held control message as ${type === "" ? "no content-type" : `content-type ${JSON.stringify(clip(type))}`}`,
      expect,
      request: () => requestBytes("POST", `${D}/schedule`, headers, w.held[1].raw),
    });
  }

  if (w.aim) out.push(...destinationCases(w, w.aim));
  return out;
}

export const clip = (text: string, n = 60): string => (text.length > n ? `${text.slice(0, n)}…(${text.length} chars)` : text);
