/**
 * Every route of both surfaces (worker/routes/*.ts) with its query parameters, what each accepts
 * (docs/bad-input.md), and the bad values the fuzzer tries on them.
 */

/** How a parameter is validated by the server. */
export type Param =
  | { kind: "nat"; min: number; max: number } // HyperBEAM intParam: /^\d{1,16}$/ within [min, max]
  | { kind: "signed"; min: number } // legacy signedInt: /^-?\d{1,16}$/, at least min
  | { kind: "id"; required: boolean } // a 43-character base64url id
  | { kind: "assign" } // legacy assign: an id; never one this node holds (that would take a slot)
  | { kind: "free" }; // presence flags, accept, exclude: any text is acceptable

export interface Route {
  method: "GET" | "POST";
  /** The path, `{pid}` standing for a process id. */
  path: string;
  params: Record<string, Param>;
  /** Valid values for a baseline request, `{pid}` for the control process. */
  base: Record<string, string>;
  /** Whether the body is a signed item (the write routes). */
  body?: "ans104" | "legacy";
  /** The parameters the server reads for this query, when not all of them. */
  reads?: (query: string) => string[];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const nat = (min = 0, max = MAX_SAFE): Param => ({ kind: "nat", min, max });
const signed = (min: number): Param => ({ kind: "signed", min });
const FREE: Param = { kind: "free" };
const D = "/~scheduler@1.0";

const pageParams = { from: nat(), to: nat(), limit: nat(1, 1000), accept: FREE };
const nextParams = { from: nat(), lookahead: nat(1, 1000), wait: nat(0, 30_000), accept: FREE };
const target = { target: { kind: "id", required: true } as Param };

export const ROUTES: readonly Route[] = [
  // HyperBEAM scheduler@1.0
  { method: "GET", path: `${D}/schedule`, params: { ...target, ...pageParams }, base: { target: "{pid}", from: "0" } },
  { method: "GET", path: `${D}/init`, params: { ...target, ...pageParams }, base: { target: "{pid}" } },
  { method: "GET", path: `/{pid}${D}/schedule`, params: pageParams, base: {} },
  { method: "GET", path: "/{pid}/schedule", params: pageParams, base: { from: "0" } },
  { method: "GET", path: `${D}/slot`, params: target, base: { target: "{pid}" } },
  { method: "GET", path: `/{pid}${D}/slot`, params: {}, base: {} },
  { method: "GET", path: "/{pid}/slot", params: {}, base: {} },
  { method: "GET", path: "/{pid}/slot/current", params: {}, base: {} },
  { method: "GET", path: `${D}/next`, params: { ...target, ...nextParams }, base: { target: "{pid}", from: "0", wait: "0" } },
  { method: "GET", path: `/{pid}${D}/next`, params: nextParams, base: { from: "1" } },
  { method: "GET", path: `${D}/status`, params: { from: { kind: "id", required: false }, limit: nat(1, 1000) }, base: {} },
  { method: "GET", path: `${D}/info`, params: {}, base: {} },
  { method: "GET", path: `${D}/checkpoint`, params: {}, base: {} },
  { method: "POST", path: `${D}/schedule`, params: {}, base: {}, body: "ans104" },
  { method: "POST", path: `${D}/init`, params: {}, base: {}, body: "ans104" },
  { method: "POST", path: "/{pid}/schedule", params: {}, base: {}, body: "ans104" },
  { method: "POST", path: `/{pid}${D}/schedule`, params: {}, base: {}, body: "ans104" },
  { method: "POST", path: `/{pid}${D}/init`, params: {}, base: {}, body: "ans104" },
  // Legacy Scheduler Unit
  { method: "GET", path: "/", params: {}, base: {} },
  {
    method: "POST",
    path: "/",
    params: { "process-id": { kind: "id", required: false }, assign: { kind: "assign" }, exclude: FREE, "base-layer": FREE },
    base: {},
    body: "legacy",
  },
  {
    method: "GET",
    path: "/{pid}",
    params: {
      "process-id": { kind: "id", required: false },
      from: signed(Number.MIN_SAFE_INTEGER),
      to: signed(Number.MIN_SAFE_INTEGER),
      limit: signed(1),
      "from-nonce": signed(-1),
      "to-nonce": signed(Number.MIN_SAFE_INTEGER),
      "show-anchor": FREE,
    },
    base: { "process-id": "{pid}" },
    // Nonce mode (from-nonce or to-nonce present) reads no from/to; timestamp mode no nonces.
    reads: (q) =>
      serverValue(q, "from-nonce") !== undefined || serverValue(q, "to-nonce") !== undefined
        ? ["process-id", "limit", "from-nonce", "to-nonce"]
        : ["process-id", "limit", "from", "to"],
  },
  { method: "GET", path: "/{pid}/latest", params: {}, base: {} },
  { method: "GET", path: "/processes/{pid}", params: {}, base: {} },
  { method: "GET", path: "/timestamp", params: {}, base: {} },
  { method: "GET", path: "/health", params: {}, base: {} },
  { method: "GET", path: "/metrics", params: {}, base: {} },
];

export const WRITE_ROUTES = ROUTES.filter((r) => r.body);

/** Integer junk, written as it goes on the wire (percent-encoding included). */
export const BAD_INTS = [
  "abc",
  "-1",
  "1.5",
  "1e3",
  "0x10",
  "%2B1",
  "%201",
  "99999999999999999999",
  "9007199254740992",
  "1".repeat(300),
  "NaN",
  "Infinity",
  "%00",
  "1%00",
  "%EF%BC%91", // a fullwidth digit one
  "%",
  "%zz",
  "[]",
];

/** Id junk for the query (percent-encoded where it must be). */
export const BAD_IDS = [
  "x",
  "A".repeat(42),
  "A".repeat(44),
  "A".repeat(42) + "B", // the last character carries bits a 32-byte id cannot have
  "A".repeat(41) + "%2B%2F",
  "A".repeat(43) + "%3D",
  "..",
  "~scheduler@1.0",
  "%C3%A9".repeat(43),
  "%00".repeat(43),
  "A".repeat(42) + "%C0%AF",
  "A".repeat(10_000),
];

/** Values for free-text parameters (accept, flags, exclude): odd, never invalid. */
export const ODD_FREE = ["", "%FF%FE", "application/ans104", "application/aos-2", "a,b,,c", "x".repeat(4000)];

export const MAX_WAIT_FUZZ_MS = 1_000;

/** The value the server reads for `name` in `query` (first occurrence; `+` is a space; bad escapes stay). */
export function serverValue(query: string, name: string): string | undefined {
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === name) return eq < 0 ? "" : decode(pair.slice(eq + 1));
  }
  return undefined;
}

function decode(text: string): string {
  text = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const ID = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Whether the server should accept `value` (as it reads it) for `p`; absent and empty mean the default. */
export function acceptable(p: Param, value: string | undefined): boolean {
  if (value === undefined || value === "") return p.kind !== "id" || !p.required;
  switch (p.kind) {
    case "nat":
      return /^\d{1,16}$/.test(value) && Number(value) >= p.min && Number(value) <= p.max;
    case "signed":
      return /^-?\d{1,16}$/.test(value) && Number(value) >= p.min;
    case "id":
    case "assign":
      return ID.test(value);
    case "free":
      return true;
  }
}

/** Whether a query is acceptable for a route in every parameter it names. */
export const acceptableQuery = (route: Route, query: string): boolean =>
  (route.reads?.(query) ?? Object.keys(route.params)).every((name) => acceptable(route.params[name], serverValue(query, name)));
