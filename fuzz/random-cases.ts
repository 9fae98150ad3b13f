/** The seeded part of the HTTP cases: one class per case, drawn by weight, then its details. */
import type { World } from "./control.ts";
import { ANS104, CONTENT_TYPES, JUNK_PATHS, clip, fill, query, routeRequest, routesElsewhere, type Expect, type HttpCase } from "./cases.ts";
import { randomDestinationCase } from "./destinations.ts";
import { requestBytes, type Headers } from "./http.ts";
import { extend, mutate, truncate, type Damaged } from "./mutate.ts";
import { B64URL, Rng, unknownId } from "./random.ts";
import { BAD_IDS, BAD_INTS, MAX_WAIT_FUZZ_MS, ODD_FREE, ROUTES, WRITE_ROUTES, acceptable, acceptableQuery, serverValue, type Param, type Route } from "./routes.ts";

const WEIGHTS = {
  mutated: 22,
  truncated: 10,
  extended: 7,
  "random-bytes": 11,
  "content-type": 7,
  params: 20,
  paths: 10,
  query: 3,
  methods: 5,
  headers: 5,
  destinations: 5,
};

type Case = Omit<HttpCase, "index">;
const JUNK_ALPHABET = B64URL + "%+&=?#/\\.~!$'()*,;:@[]{}|^`\"<> \t";

export function randomCase(w: World, seed: number, index: number): Case {
  const rng = Rng.forCase(seed, index);
  const cls = rng.weighted(WEIGHTS);
  switch (cls) {
    case "mutated":
    case "truncated":
    case "extended": {
      const item = rng.pick(w.held);
      const damage = { mutated: mutate, truncated: truncate, extended: extend }[cls];
      const d = damage(rng, item);
      return writeCase(rng, w, cls, { bytes: d.bytes, what: `${item === w.held[0] ? "the control process" : "a control message"} (${item.id}): ${d.what}` }, "refuse");
    }
    case "random-bytes": {
      const n = rng.chance(0.03) ? 1 << 20 : rng.size(65_536);
      let bytes = rng.bytes(n);
      let what = `${n} random bytes`;
      if (n >= 2 && rng.chance(0.3)) {
        bytes[0] = rng.range(1, 3); // a known signature type, so the parser reads further
        bytes[1] = 0;
        what += `, signature type ${bytes[0]}`;
      }
      return writeCase(rng, w, cls, { bytes, what }, "refuse");
    }
    case "content-type":
      return contentTypeCase(rng, w);
    case "params":
      return paramsCase(rng, w);
    case "paths": {
      const method = rng.pick(["GET", "GET", "GET", "POST", "HEAD", "DELETE"]);
      const junk = rng.chance(0.5) ? rng.pick(JUNK_PATHS) : "/" + rng.text(rng.size(300), JUNK_ALPHABET).replace(/[\s#]/g, "%20");
      const target = fill(junk, w, unknownId(rng));
      const body = method === "POST" ? rng.bytes(rng.size(1024)) : undefined;
      return { cls, method, target, what: `${method} path ${clip(target)}`, expect: "any", head: method === "HEAD", request: () => requestBytes(method, target, [], body) };
    }
    case "query":
      return hugeQueryCase(rng, w);
    case "methods":
      return methodCase(rng, w);
    case "headers":
      return headerCase(rng, w);
    case "destinations":
      return w.aim ? randomDestinationCase(rng, w, w.aim) : paramsCase(rng, w);
  }
}

/** `damaged` posted to a write route: usually for the control process, with the content-type that route wants. */
function writeCase(rng: Rng, w: World, cls: string, damaged: Damaged, expect: Expect): Case {
  const route = rng.pick(WRITE_ROUTES);
  const pid = rng.weighted({ control: 8, scratch: 1, unknown: 1 });
  const path = route.path.replaceAll("{pid}", pid === "control" ? w.control : pid === "scratch" ? w.scratch : unknownId(rng));
  let headers: Headers = route.body === "ans104" ? (rng.chance(0.9) ? ANS104 : [["codec-device", "ans104@1.0"]]) : [];
  if (cls === "random-bytes" && rng.chance(0.3)) headers = [["content-type", rng.pick(["text/plain", "application/json", "application/octet-stream"])]];
  const q = route.path === "/" && rng.chance(0.3) ? query([["process-id", w.control]]) : "";
  return { cls, method: "POST", target: path + q, what: damaged.what, expect, request: () => requestBytes("POST", path + q, headers, damaged.bytes) };
}

function contentTypeCase(rng: Rng, w: World): Case {
  const [type, expect] = rng.chance(0.7) ? rng.pick(CONTENT_TYPES) : ([rng.text(rng.size(200), JUNK_ALPHABET).trim(), "refuse"] as const);
  const route = rng.pick(WRITE_ROUTES.filter((r) => r.body === "ans104"));
  const path = route.path.replaceAll("{pid}", w.control);
  const damaged = rng.chance(0.5) ? mutate(rng, w.held[1]) : undefined;
  const headers: Headers = type === "" ? [] : [["content-type", type]];
  return {
    cls: "content-type",
    method: "POST",
    target: path,
    what: `${damaged ? `a damaged control message (${damaged.what})` : "a held control message"} as content-type ${JSON.stringify(clip(type))}`,
    expect: damaged ? "refuse" : expect,
    request: () => requestBytes("POST", path, headers, damaged?.bytes ?? w.held[1].raw),
  };
}

/** A good value for `p`: one that cannot take a slot or hold a request long. */
function goodValue(rng: Rng, p: Param, w: World): string {
  switch (p.kind) {
    case "nat":
      return String(p.max === 30_000 ? rng.pick([0, 1, 50, 500]) : Math.min(p.max, Math.max(p.min, rng.pick([0, 1, w.current, w.current + 1, 1000]))));
    case "signed":
      return rng.pick(["-1", "0", "1", String(p.min < -1 ? -1700000000000 : 1), "1700000000000"]);
    case "id":
      return rng.pick([w.control, w.scratch, rng.pick(w.held).id, unknownId(rng)]);
    case "assign":
      return unknownId(rng); // an id this node holds would be assigned: a real write
    case "free":
      return rng.pick(ODD_FREE);
  }
}

function badValue(rng: Rng, p: Param): string {
  if (rng.chance(0.3)) return rng.text(rng.size(64), JUNK_ALPHABET).replace(/[\s#&]/g, "%20");
  return p.kind === "id" || p.kind === "assign" ? rng.pick(BAD_IDS) : p.kind === "free" ? rng.pick(ODD_FREE) : rng.pick(BAD_INTS);
}

function pathPid(rng: Rng, w: World): string {
  return rng.pick([w.control, w.control, w.control, w.scratch, rng.pick(w.held).id, unknownId(rng), rng.pick(BAD_IDS)]);
}

function paramsCase(rng: Rng, w: World): Case {
  const route = rng.pick(ROUTES.filter((r) => Object.keys(r.params).length > 0));
  const pid = pathPid(rng, w);
  const path = route.path.replaceAll("{pid}", pid);
  const pairs: [string, string][] = [];
  for (const [name, p] of Object.entries(route.params)) {
    const r = rng.next();
    if (r < 0.4) continue;
    pairs.push([name, r < 0.7 ? goodValue(rng, p, w) : badValue(rng, p)]);
  }
  // Junk around the parameters: repeats, unknown names, broken separators.
  if (rng.chance(0.2) && pairs.length) pairs.push([rng.pick(pairs)[0], badValue(rng, { kind: "nat", min: 0, max: 1 })]);
  if (rng.chance(0.1)) pairs.push([rng.pick(["", "x", "%", "%zz", "a[b]", "__proto__", "constructor"]), rng.pick(["", "1", "%", "="])]);
  if (rng.chance(0.5)) pairs.reverse();
  let q = query(pairs);
  // Never a long valid wait: it would hold the request past the deadline by design.
  const wait = serverValue(q.slice(1), "wait");
  if (route.params.wait && acceptable(route.params.wait, wait) && Number(wait) > MAX_WAIT_FUZZ_MS) q = query([...pairs.filter(([k]) => k !== "wait"), ["wait", "0"]]);
  const inPath = route.path.includes("{pid}");
  const expect: Expect = (inPath && routesElsewhere(pid)) || (acceptableQuery(route, q.slice(1)) && (!inPath || acceptable({ kind: "id", required: true }, pid))) ? "any" : "refuse";
  const body = route.body ? rng.pick([new Uint8Array(0), w.held[rng.int(w.held.length)].raw, rng.bytes(rng.size(512))]) : undefined;
  return { cls: "params", method: route.method, target: path + q, what: `${route.method} ${route.path} ${clip(q, 200)}`, expect, request: routeRequest(route, w, path, q, body) };
}

function hugeQueryCase(rng: Rng, w: World): Case {
  const route = rng.pick(ROUTES.filter((r) => r.method === "GET"));
  const path = route.path.replaceAll("{pid}", w.control);
  const size = rng.pick([8 << 10, 64 << 10, 256 << 10, 1 << 20]);
  const kind = rng.pick(["many", "long value", "percent junk"] as const);
  const q =
    kind === "many"
      ? "?" + "a=1&".repeat(size / 4)
      : kind === "long value"
        ? `?${rng.pick(Object.keys(route.params).concat(["x"]))}=${"9".repeat(size)}`
        : "?" + rng.pick(["%", "%zz", "%ff", "%2"]).repeat(size / 2);
  return { cls: "query", method: "GET", target: path + q, what: `${route.path} with a ${size >> 10} KiB query (${kind})`, expect: "any", request: () => requestBytes("GET", path + q) };
}

function methodCase(rng: Rng, w: World): Case {
  const route = rng.pick(ROUTES);
  const path = route.path.replaceAll("{pid}", w.control);
  const method = rng.pick(["PUT", "DELETE", "PATCH", "TRACE", "FOO", "HEAD", "OPTIONS", "get", route.method === "GET" ? "POST" : "GET"]);
  const expect: Expect = ["PUT", "DELETE", "PATCH", "FOO"].includes(method) ? "refuse" : "any";
  const body = ["PUT", "PATCH", "POST"].includes(method) ? w.held[1].raw : undefined;
  const headers: Headers = body ? ANS104 : [];
  return { cls: "methods", method, target: path, what: `${method} on ${route.method} ${route.path}`, expect, head: method === "HEAD", request: () => requestBytes(method, path, headers, body) };
}

function headerCase(rng: Rng, w: World): Case {
  const route = rng.pick(ROUTES.filter((r) => r.method === "GET"));
  const path = route.path.replaceAll("{pid}", w.control) + (route.base.target ? query([["target", w.control]]) : "");
  const utf8InLatin1 = Buffer.from("é→😀", "utf8").toString("latin1");
  const variants: [string, Headers, { host?: string | null }][] = [
    ["a junk accept header", [["accept", rng.text(rng.size(200), JUNK_ALPHABET).trim()]], {}],
    ["an 8 KiB accept header", [["accept", "application/ans104,".repeat(450)]], {}],
    ["a 64 KiB header", [["x-fuzz", "x".repeat(64 << 10)]], {}],
    ["200 headers", Array.from({ length: 200 }, (_, i) => [`x-h${i}`, "v"] as const), {}],
    ["2000 headers", Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, "v"] as const), {}],
    ["a raw UTF-8 header value", [["x-fuzz", utf8InLatin1]], {}],
    ["no Host header", [], { host: null }],
    ["an empty Host header", [], { host: "" }],
    ["two Host headers", [["Host", "evil.example"]], {}],
    ["a junk Host header", [], { host: "a b c/%00" }],
    ["an h2c upgrade", [["Connection", "Upgrade, HTTP2-Settings"], ["Upgrade", "h2c"], ["HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"]], {}],
    ["a websocket upgrade", [["Connection", "Upgrade"], ["Upgrade", "websocket"], ["Sec-WebSocket-Version", "13"], ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="]], {}],
    ["Expect: 100-continue on a GET", [["Expect", "100-continue"]], {}],
    ["an unknown Expect", [["Expect", "fuzz"]], {}],
    ["accept-encoding junk", [["accept-encoding", "gzip;q=2, br;q=-1, *;q=x"]], {}],
  ];
  const [what, headers, opts] = rng.pick(variants);
  return { cls: "headers", method: "GET", target: path, what: `GET ${route.path} with ${what}`, expect: "any", request: () => requestBytes("GET", path, headers, undefined, opts) };
}
